//! The command line as scripts use it: exit codes, `--json` shapes, the sample hotel's board.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const KINDS: [&str; 4] = ["guests", "preferences", "stays", "feedback"];

fn sample(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(format!("{kind}.csv"))
}

fn guestbook(db: &Path, args: &[&str]) -> Output {
    guestbook_in("en_US.UTF-8", db, args)
}

/// The CLI run in the locale `lang` (`zh_CN.UTF-8`), with no config file.
fn guestbook_in(lang: &str, db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("LANG", lang)
        .env_remove("GUESTBOOK_TODAY")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A database holding the whole sample hotel.
fn sample_db(dir: &Path) -> PathBuf {
    let db = dir.join("hotel.db");
    for kind in KINDS {
        let summary = json(&guestbook(
            &db,
            &["import", kind, sample(kind).to_str().unwrap(), "--json"],
        ));
        assert_eq!(summary["rejected"], 0, "{kind}: {summary}");
        assert!(
            summary["imported"].as_u64().unwrap() > 0,
            "{kind}: {summary}"
        );
    }
    db
}

#[test]
fn sample_reference_day_board_has_vip_arrivals_in_house_and_departures() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let board = json(&guestbook(
        &db,
        &["board", "--today", "2026-06-15", "--json"],
    ));
    assert_eq!(board["date"], "2026-06-15");
    let arrivals = board["arrivals"].as_array().unwrap();
    assert!(arrivals.len() >= 8, "{} arrivals", arrivals.len());
    assert!(arrivals.iter().filter(|r| !r["vip"].is_null()).count() >= 3);
    assert!(board["in_house"].as_array().unwrap().len() >= 20);
    assert!(board["departures"].as_array().unwrap().len() >= 6);
    for key in [
        "guest_id",
        "name",
        "reservation_id",
        "room",
        "vip",
        "arrival",
        "departure",
        "stay_count",
        "alerts",
        "preferences",
    ] {
        assert!(arrivals[0].get(key).is_some(), "board row lacks {key}");
    }
    let alert_kinds: Vec<&str> = ["arrivals", "in_house", "departures"]
        .iter()
        .flat_map(|s| board[*s].as_array().unwrap())
        .flat_map(|r| r["alerts"].as_array().unwrap())
        .filter_map(|a| a["kind"].as_str())
        .collect();
    for kind in ["open_complaint", "birthday", "anniversary", "do_not_rent"] {
        assert!(
            alert_kinds.contains(&kind),
            "no {kind} alert on the reference day"
        );
    }
    let seed_guest = arrivals
        .iter()
        .find(|r| {
            r["preferences"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["value"] == "buckwheat")
        })
        .expect("the buckwheat-pillow guest arrives");
    assert_eq!(seed_guest["stay_count"], 6);

    let vip_only = json(&guestbook(
        &db,
        &["board", "--date", "2026-06-15", "--vip-only", "--json"],
    ));
    assert!(vip_only["arrivals"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| !r["vip"].is_null()));
}

#[test]
fn show_and_pref_add_speak_json_with_e164_phones() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let hit = json(&guestbook(&db, &["search", "张伟", "--json"]));
    let id = hit[0]["id"].as_str().unwrap().to_string();
    for key in ["id", "name", "name_latin", "phones", "vip", "score"] {
        assert!(hit[0].get(key).is_some(), "search hit lacks {key}");
    }
    let pref = json(&guestbook(
        &db,
        &[
            "--user",
            "hk.liping",
            "pref",
            "add",
            &id,
            "pillow",
            "buckwheat",
            "--note",
            "两个枕头",
            "--json",
        ],
    ));
    assert_eq!(pref["category"], "pillow");
    assert_eq!(pref["value"], "buckwheat");
    assert_eq!(pref["observed_by"], "hk.liping");
    let profile = json(&guestbook(&db, &["show", &id, "--json"]));
    assert_eq!(profile["id"], id.as_str());
    assert!(profile["phones"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p.as_str().unwrap().starts_with('+')));
    let first = &profile["preferences"][0];
    assert_eq!(
        (first["category"].as_str(), first["note"].as_str()),
        (Some("pillow"), Some("两个枕头"))
    );
}

#[test]
fn bad_input_fails_with_one_sentence_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let out = guestbook(&db, &["pref", "add", "G0001", "pillow", "granite"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("granite") && stderr(&out).contains("buckwheat"),
        "{}",
        stderr(&out)
    );
    let out = guestbook(&db, &["pref", "add", "NOPE", "pillow", "foam"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("NOPE"), "{}", stderr(&out));
    let out = guestbook(&db, &["show", "NOPE"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("panicked"));
    let out = guestbook(&db, &["board", "--date", "15/06/2026"]);
    assert_eq!(out.status.code(), Some(2), "bad usage exits 2");
    assert!(stderr(&out).contains("YYYY-MM-DD"), "{}", stderr(&out));
}

#[test]
fn a_read_on_a_missing_database_names_it_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo").join("hotel.db");
    for args in [&["show", "G0001"][..], &["board"], &["search", "8000"]] {
        let out = guestbook(&missing, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains(&missing.display().to_string()),
            "{}",
            stderr(&out)
        );
    }
    assert!(!dir.path().join("typo").exists());
}

#[test]
fn export_of_the_sample_imports_again_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let copy = dir.path().join("copy.db");
    for kind in KINDS {
        let file = dir.path().join(format!("{kind}.jsonl"));
        let out = guestbook(&db, &["export", kind, "-o", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        json(&guestbook(
            &copy,
            &["import", kind, file.to_str().unwrap(), "--json"],
        ));
    }
    for kind in KINDS {
        let a = guestbook(&db, &["export", kind]);
        let b = guestbook(&copy, &["export", kind]);
        assert!(a.status.success() && !a.stdout.is_empty());
        assert!(a.stdout == b.stdout, "{kind} differs after a round trip");
    }
}

#[test]
fn check_reports_a_healthy_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let report = json(&guestbook(&db, &["check", "--json"]));
    assert_eq!(report, serde_json::json!({"ok": true, "problems": []}));
}

#[test]
fn completions_are_printed_for_bash() {
    let dir = tempfile::tempdir().unwrap();
    let out = guestbook(&dir.path().join("x.db"), &["completions", "bash"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("guestbook"));
}

#[test]
fn demo_without_a_terminal_prints_the_board_and_the_db_to_use() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .arg("demo")
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("HOME", dir.path())
        .env("LANG", "en_US.UTF-8")
        .env("GUESTBOOK_TODAY", "2026-11-23")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        text.contains("2026-11-23") && text.contains("Arrivals"),
        "{text}"
    );
    assert!(text.contains("--db"), "{text}");
    let db = text
        .split("--db ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let board = json(&guestbook(
        Path::new(db),
        &["board", "--today", "2026-11-23", "--json"],
    ));
    assert!(board["arrivals"].as_array().unwrap().len() >= 8);
}

#[test]
fn an_older_file_is_updated_once_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 5)
        .unwrap();
    let out = guestbook(&db, &["search", "陆建华", "--json"]);
    assert!(stderr(&out).contains("Updating"), "{}", stderr(&out));
    assert_eq!(json(&out)[0]["name"], "陆建华");
    let again = guestbook(&db, &["search", "lu jianhua", "--json"]);
    assert_eq!(stderr(&again), "");
    assert_eq!(json(&again)[0]["name"], "陆建华");
}

#[test]
fn a_search_that_finds_nobody_says_so_on_stderr_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let out = guestbook(&db, &["search", "zzzzqq"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out).trim(), "No guest matches 'zzzzqq'.");
}

#[test]
fn the_vip_sheet_is_written_whole_for_front_office_and_refused_to_housekeeping() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let as_user = |user: &str, args: &[&str]| {
        let mut all = vec!["--user", user, "--today", "2026-06-15", "report", "vip"];
        all.extend_from_slice(args);
        guestbook(&db, &all)
    };
    for (user, role) in [
        ("admin", "admin"),
        ("fo", "front_office"),
        ("hk", "housekeeping"),
    ] {
        let out = guestbook(
            &db,
            &["--user", "admin", "user", "add", user, "--role", role],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let html = dir.path().join("vip.html");
    let out = as_user("fo", &["--format", "html", "-o", html.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("written to"), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("CONFIDENTIAL · printed by fo on "),
        "watermark"
    );
    assert!(page.contains("陆建华") && page.ends_with("</html>\n"));

    let sheet = json(&as_user("fo", &["--json"]));
    assert_eq!(sheet["arrivals"][0]["room"], "3501");
    assert!(sheet["arrivals"][0]["complaints"][0]["resolution"].is_string());

    // Housekeeping reads the board but may not print the sheet: exit 4, nothing written.
    let refused = dir.path().join("hk.html");
    let out = as_user("hk", &["--format", "html", "-o", refused.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("print the VIP reception sheet"),
        "{}",
        stderr(&out)
    );
    assert!(!refused.exists() && !refused.with_extension("partial").exists());
}

#[test]
fn an_encrypted_backup_restores_only_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let (pass, wrong) = (dir.path().join("pass"), dir.path().join("wrong"));
    std::fs::write(&pass, "correct horse battery staple\n").unwrap();
    std::fs::write(&wrong, "tr0ub4dor\n").unwrap();
    let backup = dir.path().join("nightly.age");
    let backup_s = backup.to_str().unwrap();
    let out = guestbook(
        &db,
        &[
            "backup",
            backup_s,
            "--encrypt",
            "--passphrase-file",
            pass.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&backup).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    // No guest's name is readable in the encrypted file.
    assert!(!String::from_utf8_lossy(&bytes).contains("Lu Jianhua"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let fresh = dir.path().join("restored.db");
    let out = guestbook(
        &fresh,
        &[
            "restore",
            backup_s,
            "--passphrase-file",
            wrong.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        format!("guestbook: {backup_s} could not be decrypted: the passphrase is wrong or the file is damaged. Nothing was restored.")
    );
    let out = guestbook(
        &fresh,
        &[
            "restore",
            backup_s,
            "--passphrase-file",
            pass.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let found = json(&guestbook(&fresh, &["search", "陆建华", "--json"]));
    assert_eq!(found[0]["name"], "陆建华");

    // Backing up onto the database itself would replace it under every terminal.
    let out = guestbook(&db, &["backup", db.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is the database itself"),
        "{}",
        stderr(&out)
    );
    assert!(json(&guestbook(&db, &["check", "--json"]))["ok"]
        .as_bool()
        .unwrap());

    // A file that is no backup at all is named as such.
    let out = guestbook(&fresh, &["restore", pass.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a guestbook backup"),
        "{}",
        stderr(&out)
    );
}

/// `guestbook pop` with its own runtime directory, so no real window is reached.
fn pop(runtime: &Path, number: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .args(["pop", number])
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .env("LANG", "en_US.UTF-8")
        .env("XDG_RUNTIME_DIR", runtime)
        .output()
        .unwrap()
}

#[test]
fn pop_refuses_a_caller_id_that_is_not_a_phone_number_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for number in [
        "13800;rm -rf",
        "138$(reboot)",
        "138\x1b]52;c;eA==\x07",
        "12",
        "",
    ] {
        let out = pop(dir.path(), number);
        assert_eq!(out.status.code(), Some(2), "{number:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    assert_eq!(
        stderr(&pop(dir.path(), "13800;rm -rf")),
        "guestbook: '13800;rm -rf' is not a phone number: a caller's number may hold only \
         digits, spaces, +, - and brackets, with at least 3 digits.\n"
    );
    // Control characters in a caller ID never reach the terminal as such.
    let escaped = stderr(&pop(dir.path(), "138\x1b]52;c;eA==\x07"));
    assert!(escaped.contains("'138\\x1B]52;c;eA==\\x07'"), "{escaped}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn pop_says_when_no_window_is_running_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    for number in [
        "+86 138 0013 8000",
        "(021) 6288-1234",
        "１３８００１３８０００",
    ] {
        let out = pop(dir.path(), number);
        assert_eq!(out.status.code(), Some(1), "{number}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            "guestbook: No guestbook window is running for this user on this computer; \
             nothing was shown.\n"
        );
    }
    // A socket left behind by a window that crashed is no window either.
    let stale = dir.path().join("guestbook").join("pop-4000000.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    let out = pop(dir.path(), "13800138000");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stale.exists(), "the dead window's socket is cleared away");
}

#[test]
fn user_passwd_without_a_terminal_or_stdin_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotel.db");
    let add = Command::new(env!("CARGO_BIN_EXE_guestbook"))
        .args(["--db", db.to_str().unwrap(), "--user", "admin"])
        .args([
            "user",
            "add",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"longjing-22\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(add.status.success(), "{}", stderr(&add));
    let out = guestbook(&db, &["--user", "admin", "user", "passwd"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("No new password for admin was given"),
        "{}",
        stderr(&out)
    );
    let accounts = json(&guestbook(
        &db,
        &["--user", "admin", "user", "list", "--json"],
    ));
    assert_eq!(accounts[0]["has_password"], true);
}

#[test]
fn dupes_lists_pairs_with_reasons_and_never_keeps_a_pair_away() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let pairs = json(&guestbook(&db, &["dupes", "--json"]));
    assert_eq!(
        pairs,
        serde_json::json!([{"a": "G0233", "b": "G0280", "score": 30, "reasons": ["phone"]}])
    );
    let out = guestbook(&db, &["dupes"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        text.trim_end(),
        " 30  G0233    刘洋            G0280    张伟            same phone"
    );
    let out = guestbook(&db, &["dupes", "--never", "G0280", "G0233"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json(&guestbook(&db, &["dupes", "--json"])),
        serde_json::json!([])
    );
    assert_eq!(
        String::from_utf8_lossy(&guestbook(&db, &["dupes"]).stdout).trim_end(),
        "No likely duplicates."
    );
    // A merged-away id is refused, naming the profile it went into (exit 1).
    json(&guestbook(&db, &["merge", "G0001", "G0100", "--json"]));
    let out = guestbook(&db, &["dupes", "--never", "G0100", "G0002"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("merged into G0001"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn add_warns_of_a_likely_duplicate_and_json_gains_the_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let out = guestbook(
        &db,
        &[
            "add",
            "Zhang Wei",
            "phones=18871056897",
            "--id",
            "G9001",
            "--json",
        ],
    );
    let profile = json(&out);
    assert_eq!(profile["id"], "G9001");
    assert_eq!(
        profile["duplicates"],
        serde_json::json!([{"a": "G9001", "b": "G0002", "score": 30, "reasons": ["phone"]}])
    );
    assert_eq!(
        stderr(&out).trim_end(),
        "G9001 may be the same person as G0002 (same phone); see guestbook dupes and guestbook merge."
    );
    let out = guestbook(&db, &["add", "Nobody Alike", "--id", "G9002", "--json"]);
    assert!(json(&out).get("duplicates").is_none());
    assert_eq!(stderr(&out), "");
}

/// Every file a command reads or writes that cannot be used is named, with the reason in the
/// user's language, and leaves nothing behind: export, the VIP sheet, a backup, a restore, an
/// import and its column map.
#[test]
fn a_file_that_cannot_be_read_or_written_is_named_with_the_reason_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    let missing = dir.path().join("no-such-folder");
    let out_file = |name: &str| missing.join(name).display().to_string();
    let run = |args: &[&str]| {
        let out = guestbook_in(
            "zh_CN.UTF-8",
            &db,
            &[&["--user", "admin"][..], args].concat(),
        );
        (out.status.code(), stderr(&out))
    };
    let (csv, html, copy) = (out_file("g.csv"), out_file("vip.html"), out_file("b.db"));
    let written: [(Vec<&str>, &String); 3] = [
        (vec!["export", "guests", "-o", &csv], &csv),
        (
            vec!["report", "vip", "--date", "2026-06-15", "-o", &html],
            &html,
        ),
        (vec!["backup", &copy], &copy),
    ];
    for (args, path) in &written {
        let (code, text) = run(args);
        assert_eq!(code, Some(1), "{args:?}: {text}");
        assert_eq!(
            text.trim(),
            format!("guestbook: 无法写入 {path}：文件或文件夹不存在。"),
            "{args:?}"
        );
    }
    let gone = out_file("backup.db");
    let (code, text) = run(&["restore", &gone]);
    assert_eq!(code, Some(1));
    assert_eq!(
        text.trim(),
        format!("guestbook: 无法读取 {gone}：文件或文件夹不存在。")
    );
    let csv = out_file("guests.csv");
    let (code, text) = run(&["import", "guests", &csv]);
    assert_eq!(code, Some(1));
    assert!(
        text.contains(&format!("无法读取 {csv}：文件或文件夹不存在")),
        "{text}"
    );
    assert!(!text.contains("os error"), "{text}");
    // Nothing was left beside the targets, and the folder was not made.
    assert!(!missing.exists());
}

/// A column map with a value of the wrong kind names the line and column of the map.
#[test]
fn a_column_map_of_the_wrong_shape_names_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hotel.db");
    let map = dir.path().join("pms.toml");
    std::fs::write(&map, "[columns]\nname = \"NAME\"\nid = 7\n").unwrap();
    let csv = dir.path().join("guests.csv");
    std::fs::write(&csv, "ID,NAME\nP1,Ann\n").unwrap();
    let out = guestbook(
        &db,
        &[
            "import",
            "guests",
            csv.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(
        text.contains(&format!(
            "Cannot use the column map {}: line 3, column 6:",
            map.display()
        )),
        "{text}"
    );
    assert!(!db.exists(), "a refused map creates no database");
    let gone = dir.path().join("gone.csv");
    let out = guestbook(&db, &["import", "guests", gone.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "guestbook: Cannot read {}: there is no such file or folder",
            gone.display()
        )
    );
    assert!(
        !db.exists(),
        "an import of a missing file creates no database"
    );
}

// ---------------------------------------------------------------- testers' findings (issue 11)

/// Adds accounts (no passwords) by the first admin.
fn accounts(db: &Path, users: &[(&str, &str)]) {
    for (user, role) in users {
        let out = guestbook(
            db,
            &["--user", "admin", "user", "add", user, "--role", role],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

/// A small database with one guest, `G1`, made by `add`.
fn one_guest_db(dir: &Path) -> PathBuf {
    let db = dir.join("hotel.db");
    let out = guestbook(
        &db,
        &[
            "add",
            "韩梅梅",
            "phones=13800001111",
            "id_doc_number=110101199003071822",
            "--id",
            "G1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

#[test]
fn a_run_of_stars_is_never_stored_in_a_field_that_cannot_hold_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    for field in [
        "id_doc_number=***1822",
        "id_doc_number=1101*1822",
        "emails=*@example.com",
        "birth_date=***-03-07",
    ] {
        let out = guestbook(&db, &["edit", "G1", field]);
        assert_eq!(out.status.code(), Some(1), "{field}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("a masked value cannot be saved as data"),
            "{field}: {}",
            stderr(&out)
        );
    }
    let shown = json(&guestbook(&db, &["show", "G1", "--json"]));
    assert_eq!(shown["id_doc_number"], "110101199003071822");
    assert_eq!(shown["emails"], serde_json::json!([]));
    // An import is held to the same rule, row by row.
    let csv = dir.path().join("guests.csv");
    std::fs::write(&csv, "id,name,id_doc_number\nG1,韩梅梅,**1822\n").unwrap();
    let out = guestbook(&db, &["import", "guests", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("id_doc_number"), "{}", stderr(&out));
    let shown = json(&guestbook(&db, &["show", "G1", "--json"]));
    assert_eq!(shown["id_doc_number"], "110101199003071822");
}

#[test]
fn dupes_refusals_name_what_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    accounts(&db, &[("admin", "admin"), ("amy", "agent")]);
    let out = guestbook(&db, &["--user", "amy", "dupes"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "guestbook: Your role (agent) may not list likely duplicate profiles or mark two as \
         different people; ask someone whose role may."
    );
    let out = guestbook(&db, &["--user", "admin", "dupes", "--never", "G1", "G1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("must be two different guests"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("merge"), "{}", stderr(&out));
}

#[test]
fn flagged_says_when_the_list_is_limited_to_the_guests_in_house_and_fits_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_db(dir.path());
    accounts(&db, &[("admin", "admin"), ("hk", "housekeeping")]);
    let out = guestbook(
        &db,
        &["--user", "admin", "--today", "2026-06-15", "flagged"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("G0086"), "{text}");
    for line in text.lines() {
        assert!(
            guestbook::text::width(line) <= 80,
            "{} columns: {line}",
            guestbook::text::width(line)
        );
    }
    // The notes that say why are all there, wrapped under the guest.
    let joined: String = text.lines().map(str::trim).collect();
    assert!(
        joined.contains("经总经理批准列入黑名单，不接受预订。"),
        "{text}"
    );

    let out = guestbook(&db, &["--user", "hk", "--today", "2026-06-15", "flagged"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!text.contains("No profile carries a flag"), "{text}");
    assert!(
        text.contains("Your role sees only the guests in house"),
        "{text}"
    );
}

#[test]
fn an_empty_search_is_a_usage_error_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    for query in ["", "   "] {
        let out = guestbook(&db, &["search", query]);
        assert_eq!(out.status.code(), Some(2), "{query:?}");
        assert_eq!(
            stderr(&out).trim(),
            "guestbook: Nothing to look up: give a name, a phone number (or its last digits), \
             a room or a guest id."
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn reveal_of_an_unknown_field_lists_only_the_fields_that_can_be_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    let out = guestbook(&db, &["show", "G1", "--reveal", "bogus", "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "guestbook: 'bogus' cannot be revealed; the fields that can: id_doc_number, phones, \
         emails, birth_date, name."
    );
    let out = guestbook(&db, &["show", "G1", "--reveal", "notes", "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("'notes' cannot be revealed"));
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn database_files_backups_and_restores_are_readable_by_their_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    assert_eq!(mode_of(&db), 0o600);
    for part in ["-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{part}", db.display()));
        if file.exists() {
            assert_eq!(mode_of(&file), 0o600, "{part}");
        }
    }
    let backup = dir.path().join("copy.db");
    let out = guestbook(&db, &["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode_of(&backup), 0o600);
    // A database an older version left readable by everyone is narrowed by a restore.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = guestbook(&db, &["restore", backup.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode_of(&db), 0o600);
    let fresh = dir.path().join("fresh.db");
    let out = guestbook(&fresh, &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode_of(&fresh), 0o600);
}

#[test]
fn an_encrypted_backup_leaves_no_plain_copy_behind_even_when_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    accounts(&db, &[("admin", "admin"), ("mgr", "manager")]);
    let (tmp, out_dir) = (dir.path().join("tmp"), dir.path().join("out"));
    std::fs::create_dir(&tmp).unwrap();
    std::fs::create_dir(&out_dir).unwrap();
    let pass = dir.path().join("pass");
    std::fs::write(&pass, "correct horse battery staple\n").unwrap();
    let target = out_dir.join("nightly.age");
    let backup = |user: &str| {
        Command::new(env!("CARGO_BIN_EXE_guestbook"))
            .arg("--db")
            .arg(&db)
            .args([
                "--user",
                user,
                "backup",
                target.to_str().unwrap(),
                "--encrypt",
            ])
            .arg("--passphrase-file")
            .arg(&pass)
            .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
            .env("LANG", "en_US.UTF-8")
            .env("TMPDIR", &tmp)
            .output()
            .unwrap()
    };
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let out = backup("mgr");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(names(&out_dir), Vec::<String>::new());
    let out = backup("admin");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names(&out_dir), vec!["nightly.age"]);
    assert_eq!(names(&tmp), Vec::<String>::new());
    assert!(std::fs::read(&target)
        .unwrap()
        .starts_with(b"age-encryption.org/v1"));
}

#[test]
fn a_stale_edit_says_when_in_the_terminals_local_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    let edit = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_guestbook"))
            .arg("--db")
            .arg(&db)
            .args(["--user", "chenjie", "edit", "G1"])
            .args(args)
            .env("GUESTBOOK_CONFIG", "/nonexistent/config.toml")
            .env("LANG", "en_US.UTF-8")
            .env("TZ", "Asia/Shanghai")
            .output()
            .unwrap()
    };
    let out = edit(&["company=Acme", "--json"]);
    let saved = json(&out);
    let at = chrono::DateTime::parse_from_rfc3339(saved["updated_at"].as_str().unwrap()).unwrap();
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let local = at.with_timezone(&shanghai).format("%Y-%m-%d %H:%M:%S");
    let out = edit(&["company=Other", "--if-version", "1"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "guestbook: Guest G1 was changed by chenjie at {local} after you opened it; \
             reload and try again."
        )
    );
}

/// A refused preference names the field that was wrong: the value when the category exists.
#[test]
fn a_refused_preference_names_the_field_that_was_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    let cases = [
        (
            ["pillow", "granite"],
            "guestbook: value: unknown pillow option 'granite' (expected one of: buckwheat, \
             foam, memory_foam, down, feather, latex, low, high, extra_pillow)",
        ),
        (
            ["room_temp", "99"],
            "guestbook: value: room_temp takes a whole number from 16 to 30 °C, not '99'",
        ),
    ];
    for ([category, value], expected) in cases {
        let out = guestbook(&db, &["pref", "add", "G1", category, value]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stderr(&out).trim(), expected);
    }
    let out = guestbook(&db, &["pref", "add", "G1", "mood", "calm"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("guestbook: category: unknown preference category 'mood'"),
        "{}",
        stderr(&out)
    );
}

/// A command line guestbook cannot take is refused in the user's language, with where to read
/// the usage, and exits 2.
#[test]
fn a_bad_command_line_is_refused_in_chinese_with_the_help_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    let run = |args: &[&str]| {
        let out = guestbook_in("zh_CN.UTF-8", &db, args);
        (out.status.code(), stderr(&out))
    };
    let cases: [(&[&str], &str); 7] = [
        (
            &["search", "王", "--limit", "abc"],
            "guestbook: --limit <LIMIT>：“abc”不是整数\n\
             用法见“guestbook search --help”。",
        ),
        (
            &["feedback", "resolve", "十二", "--resolution", "x"],
            "guestbook: <NUMBER>：“十二”不是整数\n\
             用法见“guestbook feedback resolve --help”。",
        ),
        (
            &["board", "--date", "2026-02-30"],
            "guestbook: --date <DATE>：“2026-02-30” 不是日期，请写成 YYYY-MM-DD。\n\
             用法见“guestbook board --help”。",
        ),
        (
            &["show"],
            "guestbook: 缺少 <ID>。\n用法见“guestbook show --help”。",
        ),
        (
            &["feedback", "add", "G1", "rant", "x"],
            "guestbook: <KIND>：“rant”不是以下之一：complaint, praise\n\
             用法见“guestbook feedback add --help”。",
        ),
        (
            &["shwo", "G1"],
            "guestbook: “shwo”不是命令。您是否想输入“show”？\n用法见“guestbook --help”。",
        ),
        (
            &["show", "G1", "--colour"],
            "guestbook: 此命令不接受“--colour”这个选项或值。\n用法见“guestbook show --help”。",
        ),
    ];
    for (args, expected) in cases {
        let (code, text) = run(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert_eq!(text.trim(), expected, "{args:?}");
    }
}

/// Excel's "Unicode text" (UTF-16 with a BOM, tab-separated, saved as .txt) imports as it is.
#[test]
fn an_excel_unicode_text_file_imports_without_naming_a_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("guests.txt");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "id\tname\tphones\r\nX1\t李娜\t13512345678\r\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(&file, bytes).unwrap();
    let db = dir.path().join("hotel.db");
    let summary = json(&guestbook(
        &db,
        &["import", "guests", file.to_str().unwrap(), "--json"],
    ));
    assert_eq!(summary["imported"], 1, "{summary}");
    assert_eq!(summary["encoding"], "UTF-16LE", "{summary}");
    let guest = json(&guestbook(&db, &["show", "X1", "--json"]));
    assert_eq!(guest["name"], "李娜");
}

/// The audit table names each action in the user's language; `--json` keeps the code.
#[test]
fn the_audit_table_names_actions_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = one_guest_db(dir.path());
    let out = guestbook_in("zh_CN.UTF-8", &db, &["audit", "--guest", "G1"]);
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = table.lines().next().unwrap_or_default();
    assert!(line.contains("  新建档案  G1"), "{table}");
    assert!(!table.contains(" add "), "{table}");
    let entries = json(&guestbook(&db, &["audit", "--guest", "G1", "--json"]));
    assert_eq!(entries[0]["action"], "add");
}

/// An import refused for its bad rows does not claim that its rows with a warning were taken.
#[test]
fn a_refused_import_does_not_say_its_warned_rows_were_imported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("guests.csv");
    std::fs::write(&file, "id,name,phones\nA1,张三,1.38001E+10\nA2,李四,n/a\n").unwrap();
    let db = dir.path().join("hotel.db");
    for extra in [&[][..], &["--dry-run"]] {
        let args = [&["import", "guests", file.to_str().unwrap()][..], extra].concat();
        let out = guestbook_in("zh_CN.UTF-8", &db, &args);
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            stdout.lines().last(),
            Some("1 行有提示（见上）；未写入任何数据。"),
            "{extra:?}: {stdout}"
        );
    }
}
