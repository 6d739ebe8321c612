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
