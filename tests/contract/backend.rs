//! The backends the contract runs on, each a factory: open the database at a path as a user,
//! creating it when there is none. Opening the same path again is another terminal on the
//! same database (for a server backend: another client of the server serving that path).

use std::path::{Path, PathBuf};

use guestbook::store::{self, Credentials, OpenOptions, Store, StoreError, Target};

/// Opens the database at a path for the credentials, creating it when there is none.
pub type Factory = fn(&Path, &Credentials) -> Result<Box<dyn Store>, StoreError>;

/// A SQLite file, as the terminals of one host share it.
pub fn sqlite_file(path: &Path, who: &Credentials) -> Result<Box<dyn Store>, StoreError> {
    let opts = OpenOptions {
        create: true,
        read_only: false,
    };
    store::open(&Target::File(path.to_path_buf()), who, opts, &mut |_| {})
}

/// A guestbook server on 127.0.0.1 serving a SQLite file, reached over HTTP: one server per
/// database path, all on one tokio runtime thread of this test process. The server mirrors
/// the file's sign-in rules (`require_password` off), so the same cases hold on both.
pub fn loopback_server(path: &Path, who: &Credentials) -> Result<Box<dyn Store>, StoreError> {
    let url = server_for(path);
    let target = Target::Remote {
        url,
        token: None,
        ca: None,
    };
    store::open(&target, who, OpenOptions::default(), &mut |_| {})
}

/// The URL of the server for `path`, started on first use.
fn server_for(path: &Path) -> String {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    static SERVERS: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    });
    let mut servers = SERVERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(url) = servers.get(path) {
        return url.clone();
    }
    // The file exists before the server opens it, as it would on a real server.
    drop(store::open_file(path, "setup").expect("a database for the server"));
    let config = guestbook::server::ServerConfig {
        require_password: false,
        ..Default::default()
    };
    let router = guestbook::server::router(path.to_path_buf(), config).expect("the server starts");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    runtime.spawn(guestbook::server::serve(
        listener,
        router,
        std::future::pending(),
    ));
    servers.insert(path.to_path_buf(), url.clone());
    url
}

/// A fresh, empty database of one backend, for one case.
pub struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
    factory: Factory,
}

impl Db {
    pub fn new(case: &str, factory: Factory) -> Db {
        let dir = tempfile::Builder::new()
            .prefix(case)
            .tempdir()
            .expect("a temp dir");
        let path = dir.path().join("hotel.db");
        Db {
            _dir: dir,
            path,
            factory,
        }
    }

    /// Another empty database of the same backend (an import's copy, a second hotel).
    pub fn another(&self, name: &str) -> Db {
        Db::new(name, self.factory)
    }

    /// A terminal on this database for `user`, without a password.
    pub fn open(&self, user: &str) -> Box<dyn Store> {
        self.try_open(&Credentials {
            user: user.into(),
            password: None,
        })
        .unwrap_or_else(|e| panic!("{user} opens the database: {e:?}"))
    }

    /// A terminal on this database, or why the backend refused it.
    pub fn try_open(&self, who: &Credentials) -> Result<Box<dyn Store>, StoreError> {
        (self.factory)(&self.path, who)
    }
}
