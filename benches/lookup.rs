//! Lookup benchmark: p50/p99 per query kind on generated guest databases of 10k, 100k and 1M
//! guests, the size of the search keys, RSS, `guestbook search` as a whole process, and the
//! board of a busy day (in process, warm), and the "likely caller" figure: for guests in
//! house or arriving within the week of a fixed business date, the share of last-4-digit and
//! full-name queries whose own guest is among the first three hits.
//!
//! ```text
//! cargo bench --bench lookup                       # 10k, 100k, 1M
//! GUESTBOOK_BENCH_SIZES=10000 cargo bench --bench lookup
//! ```
//!
//! The databases are generated once (deterministically, common Chinese surnames repeated as in
//! life, so 张伟 collides a lot) and cached under `target/bench-data/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use guestbook::model::{Guest, GuestId, Stay, StayStatus};
use guestbook::search::{name, phone};
use guestbook::store::{BadRows, ImportItem, ImportRow, Kind, Store};
use phonenumber::country::Id::CN;

/// Bump when the generated data changes, so stale caches are not reused.
const DATA_VERSION: u32 = 4;
/// The business date every lookup runs on: after the generated history (2019 to mid 2026),
/// with one guest in a thousand in house or arriving within the week around it.
const TODAY: (i32, u32, u32) = (2026, 6, 15);
/// One guest in this many is staying now or arriving within the week.
const STAYING_ONE_IN: u64 = 1_000;
/// How many of the likely callers' queries are shown among the first hits to count.
const LIKELY_TOP: usize = 3;
const REGION: phonenumber::country::Id = CN;
/// Distinct queries per kind, and how many times each is run after a warm-up pass.
const QUERIES: usize = 200;
const ROUNDS: usize = 3;

fn main() {
    let sizes: Vec<u64> = std::env::var("GUESTBOOK_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut report = Vec::new();
    for n in sizes {
        let path = database(n);
        report.push(measure(n, &path));
    }
    print_report(&report);
}

// ---------------------------------------------------------------- generated data

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks by weight (per mille or any unit).
    fn weighted<'a>(&mut self, items: &'a [(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total as u64) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        items[0].0
    }
}

/// Surnames with their share of the population (per ten thousand, roughly as in China).
const SURNAMES: &[(&str, u32)] = &[
    ("王", 710),
    ("李", 700),
    ("张", 670),
    ("刘", 540),
    ("陈", 460),
    ("杨", 320),
    ("黄", 250),
    ("赵", 230),
    ("吴", 210),
    ("周", 200),
    ("徐", 170),
    ("孙", 150),
    ("马", 130),
    ("朱", 130),
    ("胡", 120),
    ("郭", 120),
    ("何", 110),
    ("高", 100),
    ("林", 100),
    ("罗", 90),
    ("郑", 80),
    ("梁", 80),
    ("谢", 70),
    ("宋", 60),
    ("唐", 60),
    ("许", 60),
    ("韩", 60),
    ("冯", 50),
    ("邓", 50),
    ("曹", 50),
    ("彭", 50),
    ("曾", 50),
    ("肖", 40),
    ("田", 40),
    ("董", 40),
    ("袁", 40),
    ("潘", 30),
    ("于", 30),
    ("蒋", 30),
    ("蔡", 30),
    ("余", 30),
    ("杜", 30),
    ("叶", 30),
    ("程", 30),
    ("苏", 30),
    ("魏", 30),
    ("吕", 30),
    ("丁", 30),
    ("任", 30),
    ("沈", 30),
    ("单", 10),
    ("解", 5),
    ("仇", 5),
    ("区", 5),
    ("朴", 5),
    ("查", 5),
    ("翟", 5),
    ("欧阳", 10),
    ("司马", 3),
    ("尉迟", 1),
    ("万俟", 1),
];

/// Given-name characters, the first ones far more common.
const GIVEN: &[(&str, u32)] = &[
    ("伟", 90),
    ("芳", 70),
    ("娜", 60),
    ("敏", 60),
    ("静", 60),
    ("丽", 55),
    ("强", 55),
    ("磊", 50),
    ("军", 50),
    ("洋", 45),
    ("勇", 45),
    ("艳", 45),
    ("杰", 45),
    ("娟", 40),
    ("涛", 40),
    ("明", 40),
    ("超", 40),
    ("霞", 35),
    ("平", 35),
    ("刚", 35),
    ("英", 30),
    ("华", 30),
    ("文", 30),
    ("玲", 30),
    ("红", 30),
    ("建", 25),
    ("国", 25),
    ("志", 25),
    ("海", 25),
    ("燕", 25),
    ("小", 25),
    ("晓", 25),
    ("秀", 20),
    ("佳", 20),
    ("婷", 20),
    ("雪", 20),
    ("浩", 20),
    ("宇", 20),
    ("鹏", 20),
    ("飞", 20),
    ("俊", 15),
    ("欣", 15),
    ("怡", 15),
    ("子", 15),
    ("梓", 15),
    ("涵", 15),
    ("轩", 15),
    ("博", 15),
    ("思", 15),
    ("雨", 15),
    ("晨", 10),
    ("阳", 10),
    ("嘉", 10),
    ("琳", 10),
    ("颖", 10),
    ("凯", 10),
    ("瑞", 10),
    ("东", 10),
    ("辉", 10),
    ("林", 10),
    ("峰", 10),
    ("斌", 10),
    ("亮", 10),
];

const TRADITIONAL: &[(&str, &str, &str)] = &[
    ("陳", "Chan", "大文"),
    ("黃", "Wong", "家明"),
    ("張", "Cheung", "國榮"),
    ("劉", "Lau", "德華"),
    ("楊", "Yeung", "千嬅"),
    ("趙", "Chiu", "雅芝"),
    ("吳", "Ng", "君如"),
    ("鄭", "Cheng", "秀文"),
];

const FIRST: &[&str] = &[
    "John",
    "Mary",
    "James",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Susan",
    "José",
    "María",
    "Jürgen",
    "Anna",
    "Seán",
    "Siobhán",
    "François",
    "Zoë",
    "Søren",
    "Björn",
    "Hiroshi",
    "Yuki",
    "Minh",
    "Thomas",
    "Sarah",
    "Peter",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Müller",
    "Schmidt",
    "Schneider",
    "O'Brien",
    "O'Connor",
    "Álvarez",
    "García",
    "Martínez",
    "Nguyễn",
    "Dubois",
    "Lefèvre",
    "Tanaka",
    "Suzuki",
    "Jensen",
    "Andersson",
    "MacDonald",
];
/// Korean names as they are given: a surname and two given-name syllables, each with its
/// romanisation (4,000 names, a few hundred guests each at 1M, as in life; five fixed names
/// put six thousand namesakes each in the hotel, several in house at once).
const KOREAN_SURNAMES: &[(&str, &str)] = &[
    ("김", "Kim"),
    ("이", "Lee"),
    ("박", "Park"),
    ("최", "Choi"),
    ("정", "Jung"),
    ("강", "Kang"),
    ("조", "Cho"),
    ("윤", "Yoon"),
    ("장", "Jang"),
    ("임", "Lim"),
];
const KOREAN_SYLLABLES: &[(&str, &str)] = &[
    ("민", "Min"),
    ("준", "Jun"),
    ("서", "Seo"),
    ("연", "Yeon"),
    ("지", "Ji"),
    ("훈", "Hoon"),
    ("수", "Su"),
    ("아", "A"),
    ("하", "Ha"),
    ("우", "Woo"),
    ("도", "Do"),
    ("윤", "Yun"),
    ("예", "Ye"),
    ("진", "Jin"),
    ("은", "Eun"),
    ("현", "Hyun"),
    ("영", "Young"),
    ("성", "Sung"),
    ("혜", "Hye"),
    ("경", "Kyung"),
];
const MOBILE_BLOCKS: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "158", "159", "176", "177", "180", "181", "182", "186", "187", "188", "189",
];

/// The `i`-th generated guest (the same every run). Guest 0 is the caller the whole-process
/// measurement looks up: 张伟, 13800138000.
fn guest(i: u64) -> (Guest, Vec<Stay>) {
    let mut rng = Rng(i.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED);
    let mut g = Guest::new(GuestId(format!("B{i:07}")), "");
    let kind = rng.below(100);
    if i == 0 {
        g.name = "张伟".into();
    } else if kind < 78 {
        let surname = rng.weighted(SURNAMES);
        let given_len = if rng.chance(35) { 1 } else { 2 };
        let given: String = (0..given_len).map(|_| rng.weighted(GIVEN)).collect();
        g.name = format!("{surname}{given}");
        g.name_latin = name::latin_from_han(&g.name);
    } else if kind < 86 {
        let (surname, latin, given) = rng.pick(TRADITIONAL);
        g.name = format!("{surname}{given}");
        g.name_latin = Some(format!(
            "{latin} {}",
            rng.pick(&["Tai Man", "Ka Ming", "Wing Yan", "Siu Ming"])
        ));
    } else if kind < 89 {
        let (surname, latin) = rng.pick(KOREAN_SURNAMES);
        let (first, first_latin) = rng.pick(KOREAN_SYLLABLES);
        let (second, second_latin) = rng.pick(KOREAN_SYLLABLES);
        g.name = format!("{surname}{first}{second}");
        g.name_latin = Some(format!("{latin} {first_latin} {second_latin}"));
    } else {
        g.name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    }
    let mut phones = vec![mobile(i, 0)];
    if i == 0 {
        phones[0] = "13800138000".into();
    }
    if rng.chance(20) {
        phones.push(if rng.chance(50) {
            mobile(i, 1)
        } else {
            format!("+1 415 555 {:04}", rng.below(10_000))
        });
    }
    g.phones = phones
        .iter()
        .filter_map(|p| phone::phone(p, REGION).ok())
        .collect();
    if rng.chance(40) {
        let local = name::latin_words(g.name_latin.as_deref().unwrap_or(&g.name)).concat();
        let domain = rng.pick(&["qq.com", "163.com", "gmail.com", "outlook.com"]);
        g.emails.push(format!("{local}{i}@{domain}"));
    }
    if rng.chance(3) {
        g.vip = Some(format!("V{}", 1 + rng.below(5)));
    }
    let mut stays: Vec<Stay> = (0..rng.below(4))
        .map(|k| stay(&mut rng, &g.id, i, k))
        .collect();
    stays.extend(stay_now(&g.id, i));
    (g, stays)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap_or_default()
}

/// The business date lookups run on; `GUESTBOOK_BENCH_UNDATED=1` runs them without one, to
/// see what the room lookup and the likely-caller ranking cost.
fn lookup_date() -> Option<NaiveDate> {
    std::env::var_os("GUESTBOOK_BENCH_UNDATED")
        .is_none()
        .then(today)
}

/// A guest's stay around the business date, for one guest in [`STAYING_ONE_IN`]: in house
/// (three in five) or arriving within the week. Drawn from its own generator, so the rest of
/// each guest is what it was.
fn stay_now(id: &GuestId, i: u64) -> Option<Stay> {
    let mut rng = Rng(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x57A7);
    if rng.below(STAYING_ONE_IN) != 0 {
        return None;
    }
    let (arrival, status) = if rng.chance(60) {
        (
            today() - chrono::Days::new(1 + rng.below(3)),
            StayStatus::InHouse,
        )
    } else {
        (
            today() + chrono::Days::new(rng.below(8)),
            StayStatus::Expected,
        )
    };
    let departure = arrival.max(today()) + chrono::Days::new(1 + rng.below(4));
    Some(Stay {
        reservation_id: format!("N{i:07}"),
        guest_id: id.clone(),
        arrival,
        departure,
        status,
        room: Some(format!("{}{:02}", 3 + rng.below(20), 1 + rng.below(30))),
        room_type: None,
        vip: None,
        adults: Some(1),
        spend_room: None,
        spend_fnb: None,
        spend_other: None,
        notes: None,
    })
}

/// A unique mainland mobile number per guest: a bijection of the index into the block.
fn mobile(i: u64, which: u64) -> String {
    let block = MOBILE_BLOCKS[((i * 7 + which * 3) % MOBILE_BLOCKS.len() as u64) as usize];
    let n = (i.wrapping_mul(2 * 48_271 + 1) + which * 50_000_017) % 100_000_000;
    format!("{block}{n:08}")
}

fn stay(rng: &mut Rng, id: &GuestId, i: u64, k: u64) -> Stay {
    let base = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    let arrival = base + chrono::Days::new(rng.below(2_700));
    Stay {
        reservation_id: format!("R{i:07}-{k}"),
        guest_id: id.clone(),
        arrival,
        departure: arrival + chrono::Days::new(1 + rng.below(5)),
        status: if rng.chance(8) {
            StayStatus::Cancelled
        } else {
            StayStatus::Departed
        },
        room: Some(format!("{}{:02}", 3 + rng.below(20), 1 + rng.below(30))),
        room_type: None,
        vip: None,
        adults: Some(1 + rng.below(2) as u32),
        spend_room: None,
        spend_fnb: None,
        spend_other: None,
        notes: None,
    }
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-data")
}

/// The cached database of `n` guests, generated on first use.
pub(crate) fn database(n: u64) -> PathBuf {
    let path = bench_dir().join(format!("lookup-v{DATA_VERSION}-{n}.db"));
    if path.exists() {
        return path;
    }
    let partial = path.with_extension("partial");
    for stale in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{stale}", partial.display()));
    }
    eprintln!("generating {n} guests into {} ...", path.display());
    let started = Instant::now();
    {
        let mut store =
            guestbook::store::open_file(&partial, "test").expect("bench database opens");
        let mut guests = (0..n).map(|i| ImportRow {
            line: i + 2,
            item: Ok(ImportItem::Guest(guest(i).0)),
        });
        let report = store
            .import(Kind::Guests, &mut guests, BadRows::Refuse)
            .expect("guests import");
        assert!(
            report.committed,
            "generated guests were refused: {:?}",
            report.errors.first()
        );
        let mut stays = (0..n)
            .flat_map(|i| guest(i).1)
            .enumerate()
            .map(|(k, s)| ImportRow {
                line: k as u64 + 2,
                item: Ok(ImportItem::Stay(s)),
            });
        store
            .import(Kind::Stays, &mut stays, BadRows::Refuse)
            .expect("stays import");
    }
    std::fs::rename(&partial, &path).expect("bench database renamed");
    eprintln!("generated in {:.1?}", started.elapsed());
    path
}

// ---------------------------------------------------------------- queries

const KINDS: &[&str] = &[
    "phone exact",
    "last 4",
    "Han",
    "pinyin",
    "initials",
    "Latin",
    "typo",
    "mixed",
];

/// The query of a kind for guest `i`, if that guest has such a query.
fn query(kind: &str, i: u64) -> Option<String> {
    let (g, _) = guest(i);
    let forms = name::NameForms::of(&g.name, g.name_latin.as_deref());
    let e164 = g.phones.first().map(|p| p.e164.digits().to_string())?;
    let national = e164.strip_prefix("86").unwrap_or(&e164).to_string();
    let last4 = &e164[e164.len() - 4..];
    let chinese = !forms.han.is_empty() && forms.latin.is_empty();
    let pinyin_words = || {
        let split = forms.surname_len.min(forms.syllables.len());
        format!(
            "{} {}",
            forms.syllables[..split].concat(),
            forms.syllables[split..].concat()
        )
    };
    Some(match kind {
        "phone exact" => {
            if i.is_multiple_of(2) {
                national
            } else {
                format!("+{e164}")
            }
        }
        "last 4" => last4.to_string(),
        "Han" if chinese => forms.han.clone(),
        "pinyin" if chinese => {
            if i.is_multiple_of(2) {
                pinyin_words()
            } else {
                forms.pinyin()
            }
        }
        "initials" if chinese => forms.initials(),
        "Latin" if forms.han.is_empty() => {
            let mut words = forms.latin.first()?.clone();
            words.reverse();
            words.join(" ")
        }
        "typo" if chinese || forms.han.is_empty() => {
            let text = if chinese {
                pinyin_words()
            } else {
                forms.latin.first()?.join(" ")
            };
            let mut chars: Vec<char> = text.chars().collect();
            let at = 1 + (i as usize % chars.len().saturating_sub(3).max(1));
            if chars[at].is_alphabetic() && chars[at + 1].is_alphabetic() {
                chars.swap(at, at + 1);
            }
            chars.into_iter().collect()
        }
        "mixed" if chinese => format!("{} {last4}", forms.han),
        _ => return None,
    })
}

struct Figures {
    n: u64,
    kinds: Vec<(String, Duration, Duration, f64)>,
    keys_mb: f64,
    keys_rows: (i64, i64),
    db_mb: f64,
    rss_mb: f64,
    process: Option<(Duration, f64)>,
    /// Per kind: queries of guests staying now, p50, p99, share with the guest in the top 3.
    likely: Vec<(String, usize, Duration, Duration, f64)>,
    /// The board of a day in the middle of the stays: rows, p50, p99 (warm).
    board: (usize, Duration, Duration),
}

/// Builds the board of a day in the middle of the generated stays (2019–2026) once to warm
/// the cache, then `BOARD_ROUNDS` times.
fn measure_board(store: &mut Box<dyn Store>) -> (usize, Duration, Duration) {
    const BOARD_ROUNDS: usize = 20;
    let date = NaiveDate::from_ymd_opt(2022, 9, 14).unwrap_or_default();
    let board = store.board(date, false).expect("board");
    let rows = board.arrivals.len() + board.in_house.len() + board.departures.len();
    let mut times: Vec<Duration> = (0..BOARD_ROUNDS)
        .map(|_| {
            let started = Instant::now();
            store.board(date, false).expect("board");
            started.elapsed()
        })
        .collect();
    times.sort();
    (rows, times[BOARD_ROUNDS / 2], times[BOARD_ROUNDS - 1])
}

/// The five slowest queries of a kind, each run once more, with how many hits they gave.
fn print_slowest(store: &mut Box<dyn Store>, kind: &str, queries: &[String]) {
    let mut timed: Vec<(Duration, &String, usize)> = queries
        .iter()
        .map(|q| {
            let started = Instant::now();
            let found = store.search_on(q, 20, lookup_date()).expect("search runs");
            (started.elapsed(), q, found.len())
        })
        .collect();
    timed.sort_by_key(|t| std::cmp::Reverse(t.0));
    for (took, q, hits) in timed.iter().take(5) {
        eprintln!(
            "{kind:12} {:>6} us  {hits:>2} hits  {q:?}",
            took.as_micros()
        );
    }
}

fn measure(n: u64, path: &Path) -> Figures {
    let mut store = guestbook::store::open_file(path, "test").expect("bench database opens");
    let mut kinds = Vec::new();
    for kind in KINDS {
        let (queries, wanted): (Vec<String>, Vec<GuestId>) = (0..n)
            .map(|k| (k * 7_919 + 13) % n)
            .filter_map(|i| Some((query(kind, i)?, guest(i).0.id)))
            .take(QUERIES)
            .unzip();
        let mut times = Vec::new();
        let mut hits = 0usize;
        for round in 0..=ROUNDS {
            for (q, id) in queries.iter().zip(&wanted) {
                let started = Instant::now();
                let found = store.search_on(q, 20, lookup_date()).expect("search runs");
                let took = started.elapsed();
                if round > 0 {
                    times.push(took);
                    hits += usize::from(found.iter().any(|h| &h.id == id));
                }
            }
        }
        if std::env::var_os("GUESTBOOK_BENCH_SLOWEST").is_some() {
            print_slowest(&mut store, kind, &queries);
        }
        times.sort();
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize];
        let found = hits as f64 / times.len().max(1) as f64;
        kinds.push((kind.to_string(), pct(0.5), pct(0.99), found));
    }
    let likely = measure_likely(n, &mut store);
    let board = measure_board(&mut store);
    drop(store);
    let (keys_mb, keys_rows, db_mb) = key_sizes(path);
    Figures {
        n,
        kinds,
        keys_mb,
        keys_rows,
        db_mb,
        rss_mb: rss_mb("VmRSS"),
        process: whole_process(path),
        board,
        likely,
    }
}

/// The kinds a caller gives: the last four digits, or the whole name as said.
const LIKELY_KINDS: &[&str] = &["last 4", "Han", "pinyin", "Latin"];

/// For guests in house or arriving within the week: how often the lookup shows their own
/// profile among the first [`LIKELY_TOP`] hits, and how long it takes.
fn measure_likely(
    n: u64,
    store: &mut Box<dyn Store>,
) -> Vec<(String, usize, Duration, Duration, f64)> {
    let staying: Vec<u64> = (0..n)
        .filter(|&i| stay_now(&GuestId(String::new()), i).is_some())
        .collect();
    let mut out = Vec::new();
    for kind in LIKELY_KINDS {
        let queries: Vec<(String, GuestId)> = staying
            .iter()
            .filter_map(|&i| Some((query(kind, i)?, guest(i).0.id)))
            .take(QUERIES)
            .collect();
        let mut times = Vec::new();
        let mut top = 0usize;
        for round in 0..=ROUNDS {
            for (q, id) in &queries {
                let started = Instant::now();
                let found = store.search_on(q, 20, lookup_date()).expect("search runs");
                let took = started.elapsed();
                if round > 0 {
                    times.push(took);
                    top += usize::from(found.iter().take(LIKELY_TOP).any(|h| &h.id == id));
                } else if std::env::var_os("GUESTBOOK_BENCH_MISSES").is_some()
                    && !found.iter().take(LIKELY_TOP).any(|h| &h.id == id)
                {
                    eprintln!("likely caller missed: {kind} {q:?} wants {id}");
                }
            }
        }
        times.sort();
        let pct = |p: f64| {
            times
                .get(((times.len() as f64 - 1.0) * p) as usize)
                .copied()
                .unwrap_or_default()
        };
        let share = top as f64 / times.len().max(1) as f64;
        out.push((kind.to_string(), queries.len(), pct(0.5), pct(0.99), share));
    }
    out
}

/// Bytes in the key tables (dbstat), their row counts, and the whole file.
fn key_sizes(path: &Path) -> (f64, (i64, i64), f64) {
    let conn = rusqlite::Connection::open(path).expect("bench database opens");
    let bytes: i64 = conn
        .query_row(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN ('name_keys', 'phone_keys')",
            [],
            |r| r.get(0),
        )
        .expect("dbstat answers");
    let count = |t: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .expect("count")
    };
    let file = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    (
        mb(bytes as u64),
        (count("name_keys"), count("phone_keys")),
        mb(file),
    )
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn rss_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1000.0)
}

/// Median wall time of `guestbook --db FILE search 13800138000` and its peak RSS.
fn whole_process(path: &Path) -> Option<(Duration, f64)> {
    let exe = option_env!("CARGO_BIN_EXE_guestbook")?;
    let run = || {
        let started = Instant::now();
        let out = Command::new(exe)
            .arg("--db")
            .arg(path)
            .args(["search", "13800138000"])
            .output()
            .ok()?;
        out.status.success().then(|| started.elapsed())
    };
    run()?;
    let mut times: Vec<Duration> = (0..21).filter_map(|_| run()).collect();
    times.sort();
    let median = *times.get(times.len() / 2)?;
    let peak = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(exe)
        .arg("--db")
        .arg(path)
        .args(["search", "13800138000"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stderr)
                .trim()
                .lines()
                .last()?
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1000.0);
    Some((median, peak))
}

fn print_report(figures: &[Figures]) {
    let us = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1e6);
    println!(
        "\nlookup p50 / p99 in µs (in-process, limit 20; share of queries whose guest is among the hits)"
    );
    print!("{:<12}", "kind");
    for f in figures {
        print!(" | {:>22}", format!("{} guests", f.n));
    }
    println!();
    for (k, kind) in KINDS.iter().enumerate() {
        print!("{kind:<12}");
        for f in figures {
            let (_, p50, p99, found) = &f.kinds[k];
            print!(
                " | {:>22}",
                format!("{} / {} ({:.0}%)", us(*p50), us(*p99), found * 100.0)
            );
        }
        println!();
    }
    println!(
        "\nlikely caller: guests in house or arriving within 7 days of {}, p50 / p99 in µs \
         (share whose own guest is in the top {LIKELY_TOP}; queries)",
        today()
    );
    print!("{:<12}", "kind");
    for f in figures {
        print!(" | {:>26}", format!("{} guests", f.n));
    }
    println!();
    for (k, kind) in LIKELY_KINDS.iter().enumerate() {
        print!("{kind:<12}");
        for f in figures {
            let (_, count, p50, p99, share) = &f.likely[k];
            print!(
                " | {:>26}",
                format!(
                    "{} / {} ({:.0}%; {count})",
                    us(*p50),
                    us(*p99),
                    share * 100.0
                )
            );
        }
        println!();
    }
    for f in figures {
        let process = match f.process {
            Some((t, rss)) => format!(
                "{:.1} ms median, {rss:.1} MB peak RSS",
                t.as_secs_f64() * 1e3
            ),
            None => "binary not available".into(),
        };
        let (rows, p50, p99) = f.board;
        println!(
            "{} guests: board of 2022-09-14, {rows} rows: p50 {:.1} ms, p99 {:.1} ms (warm, in process)",
            f.n,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
        println!(
            "{} guests: keys {:.1} MB ({} name rows, {} phone rows), file {:.1} MB, bench RSS {:.1} MB; `guestbook search 13800138000`: {process}",
            f.n, f.keys_mb, f.keys_rows.0, f.keys_rows.1, f.db_mb, f.rss_mb
        );
    }
}
