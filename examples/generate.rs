//! Synthetic guest history for benchmarks and load tests, in the interchange format.
//!
//! ```text
//! cargo run --release --example generate -- --guests 1000000 --out /tmp/gen1m [--seed S] [--format csv|jsonl]
//! ```
//!
//! Writes `guests`, `preferences` and `stays` (`.csv` or `.jsonl`) as shared/spec/interchange.md
//! describes them. The same seed gives the same files. Names follow life: about 70 % mainland
//! Chinese with the common surnames heavily repeated (so 张伟 collides a lot), 10 % Hong Kong and
//! Taiwan names in traditional characters, the rest Japanese, Korean, Vietnamese, European and
//! American names with their accents and apostrophes. Every phone is a valid number for its
//! country and no two guests share one: each number is drawn by a bijection from the guest's
//! index into its numbering block, so uniqueness needs no memory (it holds while the guest count
//! stays below the smallest block, 3 million). Stays are consistent with the reference day
//! 2026-06-15. Rows stream to buffered writers, so memory stays flat at any size.

use std::error::Error;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Days, NaiveDate};
use clap::{Parser, ValueEnum};
use data::*;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

#[derive(Parser)]
#[command(about = "Write synthetic guestbook data (guests, preferences, stays)")]
struct Args {
    /// How many guests to generate.
    #[arg(long)]
    guests: u64,
    /// Directory to write the files into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Seed for the generator; the same seed gives the same files.
    #[arg(long, default_value_t = 20_260_615)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    Csv,
    Jsonl,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    fs::create_dir_all(&args.out)?;
    let mut guests = Table::create(&args.out, "guests", GUEST_COLUMNS, args.format)?;
    let mut prefs = Table::create(&args.out, "preferences", PREF_COLUMNS, args.format)?;
    let mut stays = Table::create(&args.out, "stays", STAY_COLUMNS, args.format)?;
    let mut bookings = Bookings::new();
    for index in 0..args.guests {
        let mut rng = Rng::for_guest(args.seed, index);
        let guest = Guest::generate(&mut rng, index, args.seed);
        guests.write(&guest.cells)?;
        let guest_stays = make_stays(&mut rng, &guest, &mut bookings);
        for stay in &guest_stays {
            stays.write(&stay.row(&guest.id))?;
        }
        for pref in make_prefs(&mut rng, &guest, &guest_stays) {
            prefs.write(&pref)?;
        }
    }
    let (guests, prefs, stays) = (guests.finish()?, prefs.finish()?, stays.finish()?);
    eprintln!(
        "generate: {guests} guests, {prefs} preferences, {stays} stays -> {} ({}) in {:.1}s",
        args.out.display(),
        args.format.extension(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Output

enum Sink {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Jsonl(BufWriter<File>),
}

/// One output file: a header and rows of text cells, written as CSV or JSON Lines.
struct Table {
    sink: Sink,
    columns: &'static [&'static str],
    rows: u64,
}

impl Table {
    fn create(
        dir: &Path,
        name: &str,
        columns: &'static [&'static str],
        format: Format,
    ) -> Result<Self> {
        let path = dir.join(format!("{name}.{}", format.extension()));
        let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
        let sink = match format {
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(file);
                w.write_record(columns)?;
                Sink::Csv(Box::new(w))
            }
            Format::Jsonl => Sink::Jsonl(file),
        };
        Ok(Table {
            sink,
            columns,
            rows: 0,
        })
    }

    fn write<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<()> {
        self.rows += 1;
        match &mut self.sink {
            Sink::Csv(w) => w.write_record(cells.iter().map(|c| c.as_ref()))?,
            Sink::Jsonl(w) => write_json_line(w, self.columns, cells)?,
        }
        Ok(())
    }

    fn finish(self) -> Result<u64> {
        match self.sink {
            Sink::Csv(mut w) => w.flush()?,
            Sink::Jsonl(mut w) => w.flush()?,
        }
        Ok(self.rows)
    }
}

/// One JSON object per line, same field names as the CSV header, empty cells omitted.
fn write_json_line<S: AsRef<str>>(w: &mut impl Write, columns: &[&str], cells: &[S]) -> Result<()> {
    w.write_all(b"{")?;
    let filled = columns
        .iter()
        .zip(cells)
        .filter(|(_, v)| !v.as_ref().is_empty());
    for (n, (key, value)) in filled.enumerate() {
        if n > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, key)?;
        w.write_all(b":")?;
        if NUMBER_COLUMNS.contains(key) {
            w.write_all(value.as_ref().as_bytes())?;
        } else {
            serde_json::to_writer(&mut *w, value.as_ref())?;
        }
    }
    w.write_all(b"}\n")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// splitmix64: tiny, fast and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    /// Each guest gets its own stream, so a guest's data does not depend on the ones before it.
    fn for_guest(seed: u64, index: u64) -> Self {
        let mut rng = Rng(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(1000) < percent * 10
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Earlier items are likelier: item k has weight len - k.
    fn pick_front<T: Copy>(&mut self, items: &[T]) -> T {
        let n = items.len() as u64;
        let mut ticket = self.below(n * (n + 1) / 2);
        for (k, item) in items.iter().enumerate() {
            let weight = n - k as u64;
            if ticket < weight {
                return *item;
            }
            ticket -= weight;
        }
        items[0]
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut ticket = self.below(u64::from(total)) as u32;
        for (item, weight) in items {
            if ticket < *weight {
                return item;
            }
            ticket -= weight;
        }
        &items[0].0
    }

    fn digits(&mut self, template: &str) -> String {
        template.chars().map(|c| self.fill(c)).collect()
    }

    /// `#` becomes a digit, `@` a capital letter, anything else stays.
    fn fill(&mut self, c: char) -> char {
        match c {
            '#' => char::from(b'0' + self.below(10) as u8),
            '@' => char::from(self.pick(b"ABCDEFGHJKLMNPRSTUVWXYZ")),
            other => other,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Names

#[derive(Clone, Copy, PartialEq)]
enum Origin {
    Mainland,
    HongKong,
    Taiwan,
    Japan,
    Korea,
    Vietnam,
    West(&'static West),
}

/// A Western country: first names with sex, surnames, language and phone block.
struct West {
    country: &'static str,
    language: &'static str,
    first: &'static [(&'static str, char)],
    last: &'static [&'static str],
    phone: &'static Plan,
    passport: &'static str,
}

impl PartialEq for West {
    fn eq(&self, other: &Self) -> bool {
        self.country == other.country
    }
}

/// Who the guest is: name in their own script, its romanisation (the name itself when it is
/// already Latin), and where they come from.
struct Person {
    name: String,
    latin: String,
    family: String,
    sex: char,
    origin: Origin,
}

fn person(rng: &mut Rng) -> Person {
    match rng.below(1000) {
        0..=699 => mainland(rng),
        700..=749 => east_asian(rng, HK_SURNAMES, HK_GIVEN, Origin::HongKong),
        750..=799 => east_asian(rng, TW_SURNAMES, TW_GIVEN, Origin::Taiwan),
        800..=839 => east_asian(rng, JP_SURNAMES, JP_GIVEN, Origin::Japan),
        840..=869 => east_asian(rng, KR_SURNAMES, KR_GIVEN, Origin::Korea),
        870..=879 => vietnamese(rng),
        _ => western(rng),
    }
}

fn mainland(rng: &mut Rng) -> Person {
    let (family, family_py) = *rng.weighted(SURNAMES);
    let sex = if rng.chance(50) { 'M' } else { 'F' };
    let (given, given_py) = rng.pick_front(if sex == 'M' { MALE_GIVEN } else { FEMALE_GIVEN });
    Person {
        name: format!("{family}{given}"),
        latin: format!("{family_py} {given_py}"),
        family: family.into(),
        sex,
        origin: Origin::Mainland,
    }
}

/// Hong Kong, Taiwan, Japan, Korea: family name first, romanisation as on their documents.
fn east_asian(
    rng: &mut Rng,
    surnames: &[(&str, &str)],
    given: &[(&str, &str, char)],
    origin: Origin,
) -> Person {
    let (family, family_latin) = rng.pick(surnames);
    let (first, first_latin, sex) = rng.pick(given);
    // Staff write 陳先生 and 山田様, but Mr. Kim rather than 김 in hangul.
    let family_for_address = if origin == Origin::Korea {
        family_latin
    } else {
        family
    };
    Person {
        name: format!("{family}{first}"),
        latin: format!("{family_latin} {first_latin}"),
        family: family_for_address.into(),
        sex,
        origin,
    }
}

fn vietnamese(rng: &mut Rng) -> Person {
    let family = rng.pick(VN_FAMILY);
    let (given, sex) = rng.pick(VN_GIVEN);
    let short = given.rsplit(' ').next().unwrap_or(given);
    let name = format!("{family} {given}");
    Person {
        latin: name.clone(),
        name,
        family: short.into(),
        sex,
        origin: Origin::Vietnam,
    }
}

fn western(rng: &mut Rng) -> Person {
    let west = rng.weighted(WESTS);
    let (first, sex) = rng.pick(west.first);
    let last = rng.pick(west.last);
    let sex = if rng.chance(1) { 'X' } else { sex };
    let name = format!("{first} {last}");
    Person {
        latin: name.clone(),
        name,
        family: last.into(),
        sex,
        origin: Origin::West(west),
    }
}

// ---------------------------------------------------------------------------------------------
// Phones

/// A block of valid numbers: national prefixes followed by `width` free digits, and the ways
/// people write them (`N` takes the next digit of the national number).
struct Plan {
    prefixes: &'static [&'static str],
    width: u32,
    notations: &'static [&'static str],
}

impl Plan {
    fn size(&self) -> u64 {
        self.prefixes.len() as u64 * 10u64.pow(self.width)
    }

    /// The `slot`-th number of the block under a seed-dependent permutation: distinct slots
    /// give distinct numbers, so guests never share a phone by accident.
    fn number(&self, slot: u64, seed: u64, rng: &mut Rng) -> String {
        let x = permute(slot, self.size(), seed);
        let block = 10u64.pow(self.width);
        let national = format!(
            "{}{:0w$}",
            self.prefixes[(x / block) as usize],
            x % block,
            w = self.width as usize
        );
        let mut digits = national.chars();
        let notation = rng.pick(self.notations);
        notation
            .chars()
            .map(|c| {
                if c == 'N' {
                    digits.next().unwrap_or('0')
                } else {
                    c
                }
            })
            .collect()
    }
}

/// A bijection on `0..size`: an invertible mix on the enclosing power of two, walked until
/// it lands inside the range (format-preserving "cycle walking").
fn permute(slot: u64, size: u64, seed: u64) -> u64 {
    let bits = 64 - (size - 1).leading_zeros();
    let mask = (1u64 << bits) - 1;
    let mut x = slot;
    loop {
        for round in 0..4u64 {
            x ^= x >> (bits / 2 + 1);
            x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask;
            x = x.wrapping_add(seed.wrapping_mul(round + 1)) & mask;
        }
        if x < size {
            return x;
        }
    }
}

/// One or two numbers; slots are derived from the guest index so they are unique per guest.
fn phones(rng: &mut Rng, origin: Origin, index: u64, seed: u64) -> String {
    let home = match origin {
        Origin::Mainland => &CN_MOBILE,
        Origin::HongKong => &HK,
        Origin::Taiwan => &TW,
        Origin::Japan => &JP,
        Origin::Korea => &KR,
        Origin::Vietnam => &VN,
        Origin::West(west) => west.phone,
    };
    let slot = if origin == Origin::Mainland {
        2 * index
    } else {
        index
    };
    let mut numbers = vec![home.number(slot, seed, rng)];
    if origin == Origin::Mainland && rng.chance(20) {
        numbers.push(if rng.chance(40) {
            CN_MOBILE.number(2 * index + 1, seed, rng)
        } else {
            SHANGHAI.number(index, seed, rng)
        });
    } else if origin != Origin::Mainland && rng.chance(20) {
        numbers.push(CN_MOBILE.number(2 * index, seed, rng)); // a local SIM for frequent visitors
    }
    numbers.join(";")
}

// ---------------------------------------------------------------------------------------------
// Guests

struct Guest {
    id: String,
    vip: &'static str,
    cells: [String; 16],
}

impl Guest {
    fn generate(rng: &mut Rng, index: u64, seed: u64) -> Guest {
        let id = format!("G{:07}", index + 1);
        let person = person(rng);
        let birth = birth_date(rng);
        let (country, language) = country_language(person.origin);
        let (doc_type, doc_number) = id_doc(rng, person.origin, birth, person.sex);
        let company = company(rng, person.origin);
        let vip = *rng.weighted(VIP_CODES);
        let flags = *rng.weighted(FLAGS);
        let cells = [
            id.clone(),
            person.name.clone(),
            name_latin(rng, &person),
            address(rng, &person),
            person.sex.to_string(),
            if rng.chance(88) {
                birth.to_string()
            } else {
                String::new()
            },
            country.into(),
            language.into(),
            doc_type.into(),
            doc_number,
            phones(rng, person.origin, index, seed),
            if rng.chance(60) {
                email(rng, &person, company, index)
            } else {
                String::new()
            },
            company
                .map(|(name, _)| name.to_string())
                .unwrap_or_default(),
            vip.into(),
            flags.into(),
            if rng.chance(3) {
                rng.pick(GUEST_NOTES).to_string()
            } else {
                String::new()
            },
        ];
        Guest { id, vip, cells }
    }
}

/// Empty for Latin names, and for half the mainland ones: the tool romanises Han characters itself.
fn name_latin(rng: &mut Rng, p: &Person) -> String {
    if p.latin == p.name || (p.origin == Origin::Mainland && rng.chance(50)) {
        String::new()
    } else {
        p.latin.clone()
    }
}

fn birth_date(rng: &mut Rng) -> NaiveDate {
    date(1950, 1, 1) + Days::new(rng.below(365 * 54))
}

fn country_language(origin: Origin) -> (&'static str, &'static str) {
    match origin {
        Origin::Mainland => ("CN", "zh-CN"),
        Origin::HongKong => ("HK", "zh-HK"),
        Origin::Taiwan => ("TW", "zh-TW"),
        Origin::Japan => ("JP", "ja"),
        Origin::Korea => ("KR", "ko"),
        Origin::Vietnam => ("VN", "vi"),
        Origin::West(west) => (west.country, west.language),
    }
}

fn id_doc(rng: &mut Rng, origin: Origin, birth: NaiveDate, sex: char) -> (&'static str, String) {
    match origin {
        Origin::Mainland if rng.chance(88) => ("national_id", resident_id(rng, birth, sex)),
        Origin::Mainland => ("passport", rng.digits("E########")),
        Origin::HongKong => ("hk_macau_permit", rng.digits("H########")),
        Origin::Taiwan => ("taiwan_permit", rng.digits("########")),
        Origin::Japan => ("passport", rng.digits("T@#######")),
        Origin::Korea => ("passport", rng.digits("M########")),
        Origin::Vietnam => ("passport", rng.digits("C#######")),
        Origin::West(west) => ("passport", rng.digits(west.passport)),
    }
}

/// An 18-character resident id: region, birth date, sequence (odd for men), ISO 7064 check.
fn resident_id(rng: &mut Rng, birth: NaiveDate, sex: char) -> String {
    let sequence = rng.below(500) * 2 + u64::from(sex == 'M');
    let body = format!(
        "{}{}{:03}",
        rng.pick(ID_REGIONS),
        birth.format("%Y%m%d"),
        sequence
    );
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn company(rng: &mut Rng, origin: Origin) -> Option<(&'static str, &'static str)> {
    if !rng.chance(45) {
        return None;
    }
    let pool = if origin == Origin::Mainland && rng.chance(85) {
        CN_COMPANIES
    } else {
        INTL_COMPANIES
    };
    Some(rng.pick(pool))
}

fn address(rng: &mut Rng, p: &Person) -> String {
    if rng.chance(30) {
        return String::new();
    }
    let f = &p.family;
    match (p.origin, p.sex) {
        (Origin::Mainland, 'M') => format!("{f}{}", rng.pick(&["先生", "先生", "总", "总", "董"])),
        (Origin::Mainland, _) => format!("{f}{}", rng.pick(&["女士", "女士", "总", "小姐"])),
        (Origin::HongKong | Origin::Taiwan, 'M') => format!("{f}先生"),
        (Origin::HongKong | Origin::Taiwan, _) => format!("{f}小姐"),
        (Origin::Japan, _) => format!("{f}様"),
        (_, 'X') => format!("Mx. {f}"),
        (_, 'M') => format!("{} {f}", rng.pick(&["Mr.", "Mr.", "Mr.", "Dr."])),
        (_, _) => format!("{} {f}", rng.pick(&["Ms.", "Ms.", "Mrs.", "Dr."])),
    }
}

/// A plausible address; the guest index in the mailbox keeps addresses unique.
fn email(rng: &mut Rng, p: &Person, company: Option<(&str, &str)>, index: u64) -> String {
    let words: Vec<String> = deunicode::deunicode(&p.latin)
        .to_lowercase()
        .split([' ', '-'])
        .map(|w| w.chars().filter(char::is_ascii_alphanumeric).collect())
        .collect();
    let (family, given) = match p.origin {
        Origin::West(_) | Origin::Vietnam => (words[words.len() - 1].clone(), words[0].clone()),
        _ => (words[0].clone(), words[1..].concat()),
    };
    let domain = match company {
        Some((_, domain)) if rng.chance(70) => domain,
        _ => personal_domain(rng, p.origin),
    };
    if domain == "qq.com" {
        return format!("{}@qq.com", 100_000_000 + index * 7);
    }
    format!("{given}.{family}{}@{domain}", index + 1)
}

fn personal_domain(rng: &mut Rng, origin: Origin) -> &'static str {
    let domains: &[&'static str] = match origin {
        Origin::Mainland => &["qq.com", "163.com", "126.com", "sina.com", "foxmail.com"],
        Origin::HongKong => &["gmail.com", "yahoo.com.hk", "netvigator.com"],
        Origin::Taiwan => &["gmail.com", "yahoo.com.tw", "hinet.net"],
        Origin::Japan => &["yahoo.co.jp", "gmail.com", "docomo.ne.jp"],
        Origin::Korea => &["naver.com", "daum.net", "gmail.com"],
        _ => &["gmail.com", "outlook.com", "icloud.com", "yahoo.com"],
    };
    rng.pick(domains)
}

// ---------------------------------------------------------------------------------------------
// Stays

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn first_day() -> NaiveDate {
    date(2024, 1, 1)
}

fn last_day() -> NaiveDate {
    date(2026, 12, 31)
}

/// The day the board is generated for: statuses before, on and after it follow the PMS rules.
fn reference_day() -> NaiveDate {
    date(2026, 6, 15)
}

struct Stay {
    reservation_id: String,
    arrival: NaiveDate,
    departure: NaiveDate,
    status: &'static str,
    room: String,
    room_type: &'static str,
    vip: &'static str,
    adults: u64,
    spend: [String; 3],
    notes: &'static str,
}

impl Stay {
    fn row(&self, guest_id: &str) -> [String; 13] {
        let [room, fnb, other] = self.spend.clone();
        [
            self.reservation_id.clone(),
            guest_id.into(),
            self.arrival.to_string(),
            self.departure.to_string(),
            self.status.into(),
            self.room.clone(),
            self.room_type.into(),
            self.vip.into(),
            self.adults.to_string(),
            room,
            fnb,
            other,
            self.notes.into(),
        ]
    }
}

/// Reservation numbers are `R` + arrival date + a per-day sequence, so they never repeat.
struct Bookings {
    per_day: Vec<u32>,
}

impl Bookings {
    fn new() -> Self {
        let days = (last_day() - first_day()).num_days() as usize + 1;
        Bookings {
            per_day: vec![0; days],
        }
    }

    fn next_id(&mut self, arrival: NaiveDate) -> String {
        let day = (arrival - first_day()).num_days() as usize;
        self.per_day[day] += 1;
        format!("R{}{:04}", arrival.format("%y%m%d"), self.per_day[day])
    }
}

/// 0–6 stays, one per equal slice of 2024..2026, so a guest's stays never overlap.
fn make_stays(rng: &mut Rng, guest: &Guest, bookings: &mut Bookings) -> Vec<Stay> {
    let count = *rng.weighted(STAYS_PER_GUEST);
    let span = (last_day() - first_day()).num_days() as u64 + 1;
    (0..count)
        .map(|k| {
            let slice_start = first_day() + Days::new(k * span / count);
            let slice = span / count;
            let nights = *rng.weighted(NIGHTS);
            let arrival = slice_start + Days::new(rng.below(slice - nights - 1));
            let stay = stay(rng, guest, arrival, arrival + Days::new(nights));
            Stay {
                reservation_id: bookings.next_id(arrival),
                ..stay
            }
        })
        .collect()
}

fn stay(rng: &mut Rng, guest: &Guest, arrival: NaiveDate, departure: NaiveDate) -> Stay {
    let today = reference_day();
    let status = if departure < today {
        *rng.weighted(PAST_STATUSES)
    } else if arrival >= today {
        "expected"
    } else {
        "in_house"
    };
    let assigned = matches!(status, "departed" | "in_house") || arrival == today;
    let (room, room_type) = room(rng, guest.vip);
    let rate = match room_type {
        "SUI" => rng.range(4880, 8880),
        "PRS" => rng.range(26800, 32800),
        "EXK" | "EXT" => rng.range(2380, 3280),
        _ => rng.range(1480, 2280),
    };
    let billed = match status {
        "departed" => (departure - arrival).num_days() as u64,
        "in_house" => (today - arrival).num_days() as u64,
        _ => 0,
    };
    Stay {
        reservation_id: String::new(),
        arrival,
        departure,
        status,
        room: if assigned { room } else { String::new() },
        room_type,
        vip: if guest.vip.is_empty() && rng.chance(1) {
            "V4"
        } else {
            ""
        },
        adults: if rng.chance(30) { 2 } else { 1 },
        spend: spend(rng, status, billed, rate),
        notes: if rng.chance(8) {
            rng.pick(STAY_NOTES)
        } else {
            ""
        },
    }
}

/// A room number consistent with its type: standard floors 5–20, executive 21–30, suites above.
fn room(rng: &mut Rng, vip: &str) -> (String, &'static str) {
    let tier = match vip {
        "V1" => 2,
        "V2" | "V3" => 1 + rng.below(2),
        _ => *rng.weighted(&[(0u64, 70), (1, 25), (2, 5)]),
    };
    let (floor, number) = match tier {
        0 => (rng.range(5, 20), rng.range(1, 30)),
        1 => (rng.range(21, 30), rng.range(1, 24)),
        _ => (rng.range(31, 38), rng.range(1, 10)),
    };
    let room_type = match (tier, floor, number) {
        (0, _, n) if n % 3 == 0 => "DTW",
        (0, _, _) => "DLK",
        (1, _, n) if n % 4 == 0 => "EXT",
        (1, _, _) => "EXK",
        (_, 38, 1) => "PRS",
        _ => "SUI",
    };
    (format!("{floor}{number:02}"), room_type)
}

fn spend(rng: &mut Rng, status: &str, nights: u64, rate: u64) -> [String; 3] {
    let money = |yuan: u64| format!("{yuan}.00");
    match status {
        "departed" | "in_house" => [
            money(rate * nights),
            money((0..nights).map(|_| rng.below(900)).sum()),
            money(if rng.chance(35) {
                rng.range(60, 2400)
            } else {
                0
            }),
        ],
        "no_show" => [money(rate), String::new(), String::new()],
        _ => Default::default(),
    }
}

// ---------------------------------------------------------------------------------------------
// Preferences

/// A catalogue category: its key, its values, and the departments that usually record it.
struct Category {
    key: &'static str,
    values: Values,
    sources: &'static [&'static str],
}

enum Values {
    Options(&'static [&'static str]),
    Range(u64, u64),
}

/// 0–5 observations from the catalogue, each dated inside one of the guest's stays if any.
fn make_prefs(rng: &mut Rng, guest: &Guest, stays: &[Stay]) -> Vec<[String; 7]> {
    let count = *rng.weighted(PREFS_PER_GUEST);
    let mut seen: Vec<(&str, String)> = Vec::with_capacity(count);
    let mut rows = Vec::with_capacity(count);
    for _ in 0..count * 3 {
        if rows.len() == count {
            break;
        }
        let Category {
            key: category,
            values,
            sources,
        } = rng.weighted(CATEGORIES);
        let value = match values {
            Values::Options(options) => rng.pick(options).to_string(),
            Values::Range(lo, hi) => rng.range(*lo, *hi).to_string(),
        };
        if seen.iter().any(|(c, v)| c == category && *v == value) {
            continue;
        }
        let source = rng.pick(sources);
        rows.push(preference(rng, guest, stays, category, &value, source));
        seen.push((category, value));
    }
    rows
}

fn preference(
    rng: &mut Rng,
    guest: &Guest,
    stays: &[Stay],
    category: &str,
    value: &str,
    source: &str,
) -> [String; 7] {
    let staff = STAFF
        .iter()
        .find(|(s, _)| *s == source)
        .map_or(&[""][..], |(_, names)| names);
    let notes: Vec<&str> = PREF_NOTES
        .iter()
        .filter(|(c, _)| *c == category)
        .map(|(_, n)| *n)
        .collect();
    let note = if !notes.is_empty() && rng.chance(15) {
        rng.pick(&notes)
    } else {
        ""
    };
    [
        guest.id.clone(),
        category.into(),
        value.into(),
        note.into(),
        rng.pick(staff).to_string(),
        observed_at(rng, stays, source),
        source.into(),
    ]
}

/// During one of the guest's past stays, at an hour that suits the department; for a guest who
/// has not stayed yet (a call-centre note), some day before the reference day.
fn observed_at(rng: &mut Rng, stays: &[Stay], source: &str) -> String {
    let past: Vec<&Stay> = stays
        .iter()
        .filter(|s| matches!(s.status, "departed" | "in_house"))
        .collect();
    let (from, to) = if past.is_empty() {
        (first_day(), reference_day())
    } else {
        let stay = rng.pick(&past);
        (stay.arrival, stay.departure.min(reference_day()))
    };
    let day = from + Days::new(rng.below((to - from).num_days().max(1) as u64));
    let hour = match source {
        "fnb" => rng.range(7, 10),
        "housekeeping" => rng.pick(&[9, 10, 11, 13, 14, 15, 16, 19, 20, 21]),
        _ => rng.range(8, 22),
    };
    format!("{}T{hour:02}:{:02}:00+08:00", day, rng.below(60))
}

// ---------------------------------------------------------------------------------------------
// Data tables (kept in one unformatted module so they stay readable as tables)

#[rustfmt::skip]
mod data {
    use super::{Category, Plan, Values, West};

    pub const GUEST_COLUMNS: &[&str] = &[
        "id", "name", "name_latin", "preferred_address", "gender", "birth_date", "nationality",
        "language", "id_doc_type", "id_doc_number", "phones", "emails", "company", "vip", "flags",
        "notes",
    ];

    pub const PREF_COLUMNS: &[&str] =
        &["guest_id", "category", "value", "note", "observed_by", "observed_at", "source"];

    pub const STAY_COLUMNS: &[&str] = &[
        "reservation_id", "guest_id", "arrival", "departure", "status", "room", "room_type", "vip",
        "adults", "spend_room", "spend_fnb", "spend_other", "notes",
    ];

    /// Columns written as JSON numbers rather than strings in JSON Lines.
    pub const NUMBER_COLUMNS: &[&str] = &["adults"];

    /// Mainland surnames with a rough frequency weight; the tail includes the polyphonic ones the
    /// search must read right (曾 zeng, 单 shan, 解 xie, 仇 qiu, 区 ou) and compound surnames.
    pub const SURNAMES: &[((&str, &str), u32)] = &[
        (("王", "Wang"), 710), (("李", "Li"), 700), (("张", "Zhang"), 670), (("刘", "Liu"), 540),
        (("陈", "Chen"), 450), (("杨", "Yang"), 310), (("黄", "Huang"), 220), (("赵", "Zhao"), 200),
        (("吴", "Wu"), 190), (("周", "Zhou"), 190), (("徐", "Xu"), 150), (("孙", "Sun"), 150),
        (("马", "Ma"), 140), (("朱", "Zhu"), 130), (("胡", "Hu"), 130), (("郭", "Guo"), 110),
        (("何", "He"), 110), (("高", "Gao"), 100), (("林", "Lin"), 100), (("罗", "Luo"), 90),
        (("郑", "Zheng"), 90), (("梁", "Liang"), 80), (("谢", "Xie"), 70), (("宋", "Song"), 70),
        (("唐", "Tang"), 60), (("许", "Xu"), 60), (("韩", "Han"), 60), (("冯", "Feng"), 60),
        (("邓", "Deng"), 60), (("曹", "Cao"), 50), (("彭", "Peng"), 50), (("曾", "Zeng"), 50),
        (("肖", "Xiao"), 50), (("田", "Tian"), 40), (("董", "Dong"), 40), (("袁", "Yuan"), 40),
        (("潘", "Pan"), 40), (("蒋", "Jiang"), 40), (("蔡", "Cai"), 40), (("余", "Yu"), 40),
        (("杜", "Du"), 30), (("叶", "Ye"), 30), (("程", "Cheng"), 30), (("苏", "Su"), 30),
        (("魏", "Wei"), 30), (("丁", "Ding"), 30), (("任", "Ren"), 30), (("沈", "Shen"), 30),
        (("姚", "Yao"), 30), (("卢", "Lu"), 30), (("姜", "Jiang"), 30), (("崔", "Cui"), 20),
        (("钟", "Zhong"), 20), (("谭", "Tan"), 20), (("陆", "Lu"), 20), (("汪", "Wang"), 20),
        (("范", "Fan"), 20), (("金", "Jin"), 20), (("石", "Shi"), 20), (("廖", "Liao"), 20),
        (("贾", "Jia"), 20), (("夏", "Xia"), 20), (("方", "Fang"), 20), (("孟", "Meng"), 20),
        (("秦", "Qin"), 20), (("顾", "Gu"), 20), (("钱", "Qian"), 10), (("严", "Yan"), 10),
        (("单", "Shan"), 6), (("解", "Xie"), 5), (("仇", "Qiu"), 4), (("区", "Ou"), 4),
        (("朴", "Piao"), 4), (("查", "Zha"), 4), (("盖", "Ge"), 3), (("缪", "Miao"), 4),
        (("翟", "Zhai"), 5), (("覃", "Qin"), 5), (("乐", "Yue"), 3), (("欧阳", "Ouyang"), 5),
        (("司马", "Sima"), 2), (("上官", "Shangguan"), 2), (("诸葛", "Zhuge"), 1),
        (("尉迟", "Yuchi"), 1), (("万俟", "Moqi"), 1),
    ];

    /// Given names, most common first (picked with a falling weight, so 张伟 and 王芳 recur as in
    /// life). No second syllable starts with a vowel, so the pinyin needs no `'`.
    pub const MALE_GIVEN: &[(&str, &str)] = &[
        ("伟", "Wei"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"),
        ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("刚", "Gang"), ("平", "Ping"),
        ("辉", "Hui"), ("鹏", "Peng"), ("华", "Hua"), ("飞", "Fei"), ("鑫", "Xin"), ("波", "Bo"),
        ("斌", "Bin"), ("宇", "Yu"), ("浩", "Hao"), ("凯", "Kai"), ("健", "Jian"), ("俊", "Jun"),
        ("建华", "Jianhua"), ("建国", "Jianguo"), ("志强", "Zhiqiang"), ("晓明", "Xiaoming"),
        ("海涛", "Haitao"), ("志刚", "Zhigang"), ("国强", "Guoqiang"), ("建军", "Jianjun"),
        ("子豪", "Zihao"), ("浩然", "Haoran"), ("宇轩", "Yuxuan"), ("子轩", "Zixuan"), ("博文", "Bowen"),
        ("一鸣", "Yiming"), ("天宇", "Tianyu"), ("俊杰", "Junjie"), ("振华", "Zhenhua"),
        ("卫东", "Weidong"), ("晓东", "Xiaodong"), ("国庆", "Guoqing"), ("立新", "Lixin"),
        ("文博", "Wenbo"), ("思远", "Siyuan"), ("明轩", "Mingxuan"), ("旭", "Xu"), ("龙", "Long"),
    ];

    pub const FEMALE_GIVEN: &[(&str, &str)] = &[
        ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("艳", "Yan"),
        ("娟", "Juan"), ("霞", "Xia"), ("秀英", "Xiuying"), ("玲", "Ling"), ("桂英", "Guiying"),
        ("婷", "Ting"), ("雪", "Xue"), ("琳", "Lin"), ("欣", "Xin"), ("颖", "Ying"), ("倩", "Qian"),
        ("佳", "Jia"), ("慧", "Hui"), ("梅", "Mei"), ("红", "Hong"), ("燕", "Yan"), ("萍", "Ping"),
        ("丹", "Dan"), ("晶", "Jing"), ("瑶", "Yao"), ("雯", "Wen"), ("秀兰", "Xiulan"), ("玉兰", "Yulan"),
        ("海燕", "Haiyan"), ("晓燕", "Xiaoyan"), ("春梅", "Chunmei"), ("丽娟", "Lijuan"), ("雨婷", "Yuting"),
        ("子涵", "Zihan"), ("欣怡", "Xinyi"), ("梓涵", "Zihan"), ("诗涵", "Shihan"), ("思琪", "Siqi"),
        ("佳怡", "Jiayi"), ("雅琴", "Yaqin"), ("美玲", "Meiling"), ("文静", "Wenjing"), ("梦瑶", "Mengyao"),
    ];

    /// Hong Kong: Cantonese romanisation, given name written as two words (`Chan Tai Man`).
    pub const HK_SURNAMES: &[(&str, &str)] = &[
        ("陳", "Chan"), ("黃", "Wong"), ("李", "Lee"), ("張", "Cheung"), ("梁", "Leung"), ("林", "Lam"),
        ("何", "Ho"), ("劉", "Lau"), ("吳", "Ng"), ("鄭", "Cheng"), ("周", "Chow"), ("馮", "Fung"),
        ("區", "Au"), ("曾", "Tsang"), ("謝", "Tse"), ("葉", "Yip"), ("鄧", "Tang"), ("麥", "Mak"),
    ];

    pub const HK_GIVEN: &[(&str, &str, char)] = &[
        ("大文", "Tai Man", 'M'), ("志明", "Chi Ming", 'M'), ("家輝", "Ka Fai", 'M'), ("志偉", "Chi Wai", 'M'),
        ("國強", "Kwok Keung", 'M'), ("子聰", "Tsz Chung", 'M'), ("家豪", "Ka Ho", 'M'), ("永康", "Wing Hong", 'M'),
        ("俊傑", "Chun Kit", 'M'), ("天寶", "Tin Po", 'M'), ("詠琪", "Wing Kei", 'F'), ("嘉欣", "Ka Yan", 'F'),
        ("美玲", "Mei Ling", 'F'), ("慧敏", "Wai Man", 'F'), ("麗珊", "Lai Shan", 'F'), ("嘉敏", "Ka Man", 'F'),
        ("詩雅", "Sze Nga", 'F'), ("寶儀", "Po Yee", 'F'),
    ];

    /// Taiwan: Wade-Giles as on passports, given name hyphenated (`Lin Shu-Fen`).
    pub const TW_SURNAMES: &[(&str, &str)] = &[
        ("陳", "Chen"), ("林", "Lin"), ("黃", "Huang"), ("張", "Chang"), ("李", "Lee"), ("王", "Wang"),
        ("吳", "Wu"), ("劉", "Liu"), ("蔡", "Tsai"), ("楊", "Yang"), ("許", "Hsu"), ("鄭", "Cheng"),
        ("謝", "Hsieh"), ("郭", "Kuo"), ("洪", "Hung"), ("曾", "Tseng"), ("賴", "Lai"), ("簡", "Chien"),
    ];

    pub const TW_GIVEN: &[(&str, &str, char)] = &[
        ("建民", "Chien-Min", 'M'), ("宗翰", "Tsung-Han", 'M'), ("俊傑", "Chun-Chieh", 'M'), ("志豪", "Chih-Hao", 'M'),
        ("家豪", "Chia-Hao", 'M'), ("志明", "Chih-Ming", 'M'), ("冠宇", "Kuan-Yu", 'M'), ("承恩", "Cheng-En", 'M'),
        ("淑芬", "Shu-Fen", 'F'), ("怡君", "Yi-Chun", 'F'), ("雅婷", "Ya-Ting", 'F'), ("美玲", "Mei-Ling", 'F'),
        ("佳蓉", "Chia-Jung", 'F'), ("淑惠", "Shu-Hui", 'F'), ("雅雯", "Ya-Wen", 'F'), ("怡婷", "Yi-Ting", 'F'),
    ];

    pub const JP_SURNAMES: &[(&str, &str)] = &[
        ("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"), ("伊藤", "Ito"),
        ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"), ("小林", "Kobayashi"),
        ("加藤", "Kato"), ("山田", "Yamada"), ("吉田", "Yoshida"),
    ];

    pub const JP_GIVEN: &[(&str, &str, char)] = &[
        ("太郎", "Taro", 'M'), ("一郎", "Ichiro", 'M'), ("健太", "Kenta", 'M'), ("直樹", "Naoki", 'M'),
        ("翔太", "Shota", 'M'), ("大輔", "Daisuke", 'M'), ("誠", "Makoto", 'M'), ("花子", "Hanako", 'F'),
        ("美咲", "Misaki", 'F'), ("由美", "Yumi", 'F'), ("陽菜", "Hina", 'F'), ("さくら", "Sakura", 'F'),
    ];

    pub const KR_SURNAMES: &[(&str, &str)] = &[
        ("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"), ("강", "Kang"),
        ("조", "Cho"), ("윤", "Yoon"), ("장", "Jang"), ("임", "Lim"),
    ];

    pub const KR_GIVEN: &[(&str, &str, char)] = &[
        ("민준", "Min Jun", 'M'), ("지훈", "Ji Hoon", 'M'), ("도윤", "Do Yun", 'M'), ("서준", "Seo Jun", 'M'),
        ("예준", "Ye Jun", 'M'), ("서연", "Seo Yeon", 'F'), ("수빈", "Su Bin", 'F'), ("하은", "Ha Eun", 'F'),
        ("지우", "Ji Woo", 'F'), ("지민", "Ji Min", 'F'),
    ];

    pub const VN_FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng"];

    pub const VN_GIVEN: &[(&str, char)] = &[
        ("Văn An", 'M'), ("Minh Tuấn", 'M'), ("Đức Dũng", 'M'), ("Quang Huy", 'M'), ("Văn Hùng", 'M'),
        ("Thị Hương", 'F'), ("Thu Hà", 'F'), ("Ngọc Lan", 'F'), ("Thị Phương", 'F'), ("Thanh Thảo", 'F'),
    ];

    pub const WESTS: &[(West, u32)] = &[
        (West { country: "US", language: "en-US", phone: &US, passport: "#########",
            first: &[("John", 'M'), ("Michael", 'M'), ("David", 'M'), ("Robert", 'M'), ("Christopher", 'M'),
                ("Emily", 'F'), ("Sarah", 'F'), ("Jennifer", 'F'), ("Jessica", 'F'), ("Mary-Kate", 'F')],
            last: &["Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "O'Connor", "O'Neill",
                "Sullivan", "Lee", "García"] }, 30),
        (West { country: "GB", language: "en-GB", phone: &GB, passport: "#########",
            first: &[("James", 'M'), ("Oliver", 'M'), ("Harry", 'M'), ("Charlotte", 'F'), ("Amelia", 'F'),
                ("Zoë", 'F')],
            last: &["Smith", "Whitfield", "Hughes", "Bennett", "O'Reilly", "D'Souza", "Taylor"] }, 14),
        (West { country: "DE", language: "de", phone: &DE, passport: "C@@@@@@@@",
            first: &[("Thomas", 'M'), ("Jürgen", 'M'), ("Matthias", 'M'), ("Lukas", 'M'), ("Jörg", 'M'),
                ("Anna", 'F'), ("Sophie", 'F'), ("Käthe", 'F')],
            last: &["Müller", "Schröder", "Weiß", "Groß", "Becker", "Schäfer", "Köhler", "Hoffmann"] }, 14),
        (West { country: "FR", language: "fr", phone: &FR, passport: "##@@#####",
            first: &[("François", 'M'), ("Jérôme", 'M'), ("Loïc", 'M'), ("Benoît", 'M'), ("Chloé", 'F'),
                ("Élodie", 'F'), ("Renée", 'F'), ("Hélène", 'F')],
            last: &["Lefèvre", "Dubois", "Martin", "Lacroix-Dupont", "Moreau", "Girard", "Bélanger"] }, 12),
        (West { country: "ES", language: "es", phone: &ES, passport: "PA@######",
            first: &[("José", 'M'), ("Íñigo", 'M'), ("Álvaro", 'M'), ("Núria", 'F'), ("Lucía", 'F'),
                ("María José", 'F')],
            last: &["Álvarez", "Núñez", "Puig", "Fernández", "García", "Muñoz", "Ibáñez"] }, 6),
        (West { country: "IE", language: "en-IE", phone: &IE, passport: "P@#######",
            first: &[("Seán", 'M'), ("Pádraig", 'M'), ("Ciarán", 'M'), ("Siobhán", 'F'), ("Aoife", 'F'),
                ("Niamh", 'F')],
            last: &["O'Brien", "O'Sullivan", "Murphy", "Kelly", "D'Arcy", "Ó Briain"] }, 4),
        (West { country: "IT", language: "it", phone: &IT, passport: "Y@#######",
            first: &[("Marco", 'M'), ("Niccolò", 'M'), ("Giulia", 'F'), ("Francesca", 'F')],
            last: &["Rossi", "Bianchi", "D'Angelo", "Ricci", "De Luca", "Esposito"] }, 8),
        (West { country: "DK", language: "da", phone: &DK, passport: "#########",
            first: &[("Søren", 'M'), ("Jens", 'M'), ("Mette", 'F'), ("Åse", 'F')],
            last: &["Kierkegård", "Jensen", "Nielsen", "Sørensen", "Mørch"] }, 4),
        (West { country: "SE", language: "sv", phone: &SE, passport: "########",
            first: &[("Björn", 'M'), ("Lars", 'M'), ("Åsa", 'F'), ("Maja", 'F')],
            last: &["Andersson", "Johansson", "Nyström", "Ågren"] }, 4),
    ];

    pub const CN_MOBILE: Plan = Plan {
        prefixes: &["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
            "152", "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "184", "185",
            "186", "187", "188", "189", "170", "176", "177", "178", "198", "199"],
        width: 8,
        notations: &["NNNNNNNNNNN", "NNNNNNNNNNN", "+86 NNN NNNN NNNN", "0086-NNN-NNNN-NNNN", "NNN-NNNN-NNNN",
            "+86 NNN-NNNN-NNNN", "NNN NNNN NNNN"],
    };

    pub const SHANGHAI: Plan = Plan {
        prefixes: &["216"],
        width: 7,
        notations: &["(0NN) NNNN NNNN", "0NN-NNNNNNNN", "+86 NN NNNN NNNN"],
    };

    pub const HK: Plan = Plan { prefixes: &["94", "96", "97"], width: 6, notations: &["+852 NNNN NNNN"] };

    pub const TW: Plan = Plan { prefixes: &["9"], width: 8, notations: &["+886 NNN NNN NNN", "+886 NNN-NNN-NNN"] };

    pub const JP: Plan = Plan { prefixes: &["80"], width: 8, notations: &["+81 NN-NNNN-NNNN"] };

    pub const KR: Plan = Plan { prefixes: &["102", "103", "104", "106", "107", "108", "109"], width: 7, notations: &["+82 NN-NNNN-NNNN"] };

    pub const VN: Plan = Plan { prefixes: &["90", "91", "98"], width: 7, notations: &["+84 NNN NNN NNN"] };

    pub const US: Plan = Plan {
        prefixes: &["4152", "6502", "3122", "6172", "3052", "4042", "5122", "7182", "3102", "8582"],
        width: 6,
        notations: &["+1 (NNN) NNN-NNNN", "+1 NNN-NNN-NNNN"],
    };

    pub const GB: Plan = Plan { prefixes: &["74", "75", "78"], width: 8, notations: &["+44 NNNN NNNNNN"] };

    pub const DE: Plan = Plan { prefixes: &["151"], width: 8, notations: &["+49 NNN NNNNNNNN"] };

    pub const FR: Plan = Plan { prefixes: &["60", "61", "62", "64", "65", "66", "67", "68"], width: 7, notations: &["+33 N NN NN NN NN"] };

    pub const ES: Plan = Plan { prefixes: &["6"], width: 8, notations: &["+34 NNN NNN NNN"] };

    pub const IT: Plan = Plan { prefixes: &["34"], width: 8, notations: &["+39 NNN NNN NNNN"] };

    pub const IE: Plan = Plan { prefixes: &["87"], width: 7, notations: &["+353 NN NNN NNNN"] };

    pub const DK: Plan = Plan { prefixes: &["26", "27", "28"], width: 6, notations: &["+45 NN NN NN NN"] };

    pub const SE: Plan = Plan { prefixes: &["70"], width: 7, notations: &["+46 NN NNN NN NN"] };

    pub const VIP_CODES: &[(&str, u32)] = &[("", 880), ("V5", 50), ("V4", 35), ("V3", 20), ("V2", 10), ("V1", 5)];

    pub const FLAGS: &[(&str, u32)] = &[("", 975), ("no_marketing", 24), ("do_not_rent", 1)];

    pub const STAYS_PER_GUEST: &[(u64, u32)] = &[(0, 15), (1, 30), (2, 20), (3, 15), (4, 10), (5, 6), (6, 4)];

    pub const NIGHTS: &[(u64, u32)] = &[(1, 30), (2, 30), (3, 20), (4, 10), (5, 6), (7, 3), (12, 1)];

    /// How stays that ended before the reference day ended.
    pub const PAST_STATUSES: &[(&str, u32)] = &[("departed", 93), ("cancelled", 5), ("no_show", 2)];

    pub const PREFS_PER_GUEST: &[(usize, u32)] = &[(0, 15), (1, 20), (2, 25), (3, 20), (4, 12), (5, 8)];

    pub const CN_COMPANIES: &[(&str, &str)] = &[
        ("申江航运集团", "shenjiang-shipping.com"), ("东方启明科技有限公司", "dfqm-tech.cn"),
        ("华鑫资本管理有限公司", "huaxin-cap.com"), ("浦江置业集团", "pujiang-land.com"),
        ("锦程律师事务所", "jincheng-law.cn"), ("恒远汽车零部件股份有限公司", "hengyuan-auto.com"),
        ("沪宁医疗器械有限公司", "huning-med.com"), ("天成证券股份有限公司", "tcsec.com.cn"),
        ("星河新能源科技", "xinghe-ev.com"), ("云帆数据科技有限公司", "yunfan-data.cn"),
        ("瀚海国际贸易有限公司", "hanhai-trade.com"), ("嘉禾生物医药", "jiahe-bio.com"),
    ];

    pub const INTL_COMPANIES: &[(&str, &str)] = &[
        ("Rheinwerk Automotive GmbH", "rheinwerk-auto.de"), ("Lumière Cosmétiques SA", "lumiere-cosmetiques.fr"),
        ("Northbridge Capital LLC", "northbridgecap.com"), ("Harbourline Shipping Ltd", "harbourline.co.uk"),
        ("Kessler & Partner Consulting", "kessler-partner.de"), ("Nordhavn Pharma A/S", "nordhavnpharma.dk"),
        ("Sakura Precision Co., Ltd.", "sakura-precision.co.jp"), ("Hanbit Electronics Co., Ltd.", "hanbit-elec.co.kr"),
        ("Victoria Harbour Holdings Ltd", "vhh.com.hk"), ("Formosa Semicon Corp.", "formosasemi.com.tw"),
    ];

    /// Region codes for the fake resident id numbers (Shanghai districts weighted up: a Shanghai hotel).
    pub const ID_REGIONS: &[&str] = &[
        "310104", "310115", "310101", "310112", "110105", "110108", "440305", "440106", "330106",
        "320102", "510107", "420106", "370202", "350203", "320505", "610113", "120101", "500103",
    ];

    pub const GUEST_NOTES: &[&str] = &[
        "秘书代订，账单寄公司财务部。",
        "Allergic to feathers — hypoallergenic bedding only.",
        "行动不便，需无障碍客房。",
        "Prefers check-in in the lounge, not at the front desk.",
        "常带家人周末入住，需要儿童拖鞋。",
        "Travels with a small dog; pet policy signed.",
    ];

    pub const STAY_NOTES: &[&str] = &[
        "Airport pickup PVG", "接机：虹桥T2", "Late checkout 14:00 approved", "公司协议价，房费公司挂账",
        "Company pays room + breakfast only", "提前入住 10:00", "Requested quiet room away from lift",
        "Booked via Ctrip, prepaid", "Club lounge access included", "需要开发票",
    ];

    /// The built-in catalogue: key, values, how often staff record it, who usually records it.
    pub const CATEGORIES: &[(Category, u32)] = &[
        (Category { key: "pillow", values: Values::Options(&["buckwheat", "foam", "memory_foam", "down", "feather", "latex", "low", "high", "extra_pillow"]), sources: &["housekeeping"] }, 14),
        (Category { key: "tea", values: Values::Options(&["longjing", "puer", "jasmine", "tieguanyin", "oolong", "black", "green", "none"]), sources: &["housekeeping", "fnb"] }, 9),
        (Category { key: "coffee", values: Values::Options(&["espresso", "americano", "latte", "cappuccino", "flat_white", "decaf", "black", "none"]), sources: &["fnb"] }, 6),
        (Category { key: "room_temp", values: Values::Range(18, 26), sources: &["housekeeping"] }, 12),
        (Category { key: "food_taboo", values: Values::Options(&["pork", "beef", "seafood", "shellfish", "peanuts", "gluten", "dairy", "coriander", "spicy", "sour", "alcohol"]), sources: &["fnb", "call_centre"] }, 6),
        (Category { key: "diet", values: Values::Options(&["vegetarian", "vegan", "halal", "kosher", "low_salt", "low_sugar", "low_fat", "diabetic", "gluten_free"]), sources: &["fnb"] }, 2),
        (Category { key: "food_like", values: Values::Options(&["noodles", "dumplings", "congee", "dim_sum", "rice", "spicy", "western_breakfast", "fruit_plate", "vegetables"]), sources: &["fnb"] }, 4),
        (Category { key: "bed", values: Values::Options(&["king", "queen", "twin", "firm_mattress", "soft_mattress", "extra_bed", "baby_cot", "hypoallergenic"]), sources: &["housekeeping", "call_centre"] }, 4),
        (Category { key: "room_location", values: Values::Options(&["high_floor", "low_floor", "quiet", "away_from_lift", "near_lift", "non_smoking", "smoking", "city_view", "river_view"]), sources: &["front_office", "call_centre"] }, 6),
        (Category { key: "newspaper", values: Values::Options(&["china_daily", "peoples_daily", "scmp", "financial_times", "wsj", "nikkei", "global_times", "none"]), sources: &["front_office", "concierge"] }, 3),
        (Category { key: "toiletries", values: Values::Options(&["own_brand", "hypoallergenic", "fragrance_free", "razor_kit", "dental_kit", "extra_towels", "bathrobe", "slippers"]), sources: &["housekeeping"] }, 5),
        (Category { key: "tv_channel", values: Values::Options(&["cctv1", "cctv13", "cctv5", "phoenix", "bbc_world", "cnn", "nhk_world", "kbs_world", "hbo"]), sources: &["housekeeping"] }, 3),
        (Category { key: "lighting", values: Values::Options(&["bright", "dim", "night_light", "blackout_curtains", "curtains_open"]), sources: &["housekeeping"] }, 4),
        (Category { key: "bath_temp", values: Values::Range(37, 43), sources: &["housekeeping"] }, 2),
        (Category { key: "wake_up", values: Values::Options(&["0600", "0630", "0700", "0730", "0800", "0830", "0900", "none"]), sources: &["call_centre", "front_office"] }, 3),
        (Category { key: "minibar", values: Values::Options(&["empty", "no_alcohol", "soft_drinks", "local_beer", "wine", "snacks", "fruit", "refill_daily"]), sources: &["housekeeping"] }, 4),
        (Category { key: "celebration", values: Values::Options(&["birthday", "anniversary", "honeymoon", "graduation", "promotion"]), sources: &["front_office", "call_centre"] }, 1),
        (Category { key: "amenity", values: Values::Options(&["large_water_cup", "kettle", "humidifier", "yoga_mat", "iron", "extra_hangers", "pet_bed", "baby_bath"]), sources: &["housekeeping", "guest"] }, 5),
    ];

    pub const STAFF: &[(&str, &[&str])] = &[
        ("housekeeping", &["hk.liping", "hk.zhangmin", "hk.wuxia", "hk.chenlan", "hk.zhoujing"]),
        ("fnb", &["fnb.wanglei", "fnb.huangting", "fnb.maqiang"]),
        ("front_office", &["fo.chenjie", "fo.linyi", "fo.sunhao", "gro.yangxue"]),
        ("call_centre", &["cc.zhaomin", "cc.xuli"]),
        ("concierge", &["con.jiangtao", "con.hekai"]),
        ("guest", &[""]),
    ];

    pub const PREF_NOTES: &[(&str, &str)] = &[
        ("pillow", "其余枕头撤走"), ("pillow", "asked again at turndown"), ("room_temp", "空调设好再进房"),
        ("tea", "每天补充"), ("food_taboo", "allergy — tell the kitchen"), ("amenity", "放在书桌上"),
    ];
}
