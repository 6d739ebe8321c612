//! The caller lookup: what a typed query means (phone digits, names, both), which bounded
//! index scans fetch its candidates, and how the candidates are ranked.
//!
//! The store only answers range scans over its key tables and fetches single guests
//! ([`KeyIndex`]); everything about meaning and ranking lives here, so it is the same for
//! every store and can be tested without one.

pub mod name;
pub mod phone;
mod surnames;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use crate::model::{Flag, Guest, GuestId, HitStay, StayNow, E164};
pub use crate::model::{MatchKind, SearchHit};
use crate::rules::StayRow;
use name::NameForms;

/// A guest fetched for ranking, with what the tie-breaks need.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub gid: i64,
    pub guest: Guest,
    pub last_stay: Option<NaiveDate>,
}

/// What ties between equal scores are broken on, as a phone key carries it: ranking guests
/// who share trailing digits reads no guest row.
#[derive(Debug, Clone)]
pub struct TieBreak {
    pub vip: Option<String>,
    pub last_stay: Option<NaiveDate>,
}

impl TieBreak {
    /// VIP first, then the most recent stay (the guest id decides among the fetched ones).
    fn order(&self, other: &TieBreak) -> Ordering {
        crate::rules::vip_rank(self.vip.as_deref())
            .cmp(&crate::rules::vip_rank(other.vip.as_deref()))
            .then_with(|| other.last_stay.cmp(&self.last_stay))
    }
}

type TieKeys<'a> = (
    Option<&'a HitStay>,
    &'a Option<String>,
    Option<NaiveDate>,
    &'a GuestId,
);

/// Between equal scores: the likely caller first (in house or arriving within the week),
/// then VIP (V1 before V2), then the most recent stay, then the id.
fn tie_order(a: TieKeys, b: TieKeys) -> Ordering {
    crate::rules::likely_caller_rank(a.0)
        .cmp(&crate::rules::likely_caller_rank(b.0))
        .then_with(|| {
            crate::rules::vip_rank(a.1.as_deref()).cmp(&crate::rules::vip_rank(b.1.as_deref()))
        })
        .then_with(|| b.2.cmp(&a.2))
        .then_with(|| a.3.cmp(b.3))
}

/// What the lookup needs from a store: bounded range scans over the key tables, and single
/// guests by row id. Every call is an index lookup; none scans a table.
pub trait KeyIndex {
    /// What a read of the backend fails with (the store's own error: search passes it on).
    type Error;

    /// Guests with a phone whose reversed digits equal `rev` (`exact`) or start with it, each
    /// with its tie-breaks.
    fn phone_scan(
        &mut self,
        rev: &str,
        exact: bool,
        cap: usize,
    ) -> Result<Vec<(i64, TieBreak)>, Self::Error>;
    /// `(key, gid)` pairs whose name key equals `prefix`, newest profile first.
    fn name_exact(&mut self, key: &str, cap: usize) -> Result<Vec<(String, i64)>, Self::Error>;
    /// `(key, gid)` pairs whose name key starts with `prefix`, in key order; keys equal to
    /// `prefix` only when `with_equal`.
    fn name_range(
        &mut self,
        prefix: &str,
        with_equal: bool,
        cap: usize,
    ) -> Result<Vec<(String, i64)>, Self::Error>;
    /// Those of `gids` with exactly this name key, in ascending order.
    fn name_filed(&mut self, key: &str, gids: &[i64]) -> Result<Vec<i64>, Self::Error>;
    /// The guests for ranking, in the order of `gids`, in one read; guests gone or retired by
    /// a merge are left out.
    fn candidates(&mut self, gids: &[i64]) -> Result<Vec<Candidate>, Self::Error>;
    /// Open complaints of each of `gids` that has any, shown on the hits, in one read.
    fn open_complaints(&mut self, gids: &[i64]) -> Result<HashMap<i64, u32>, Self::Error>;
    /// The stays of `gids` that may stand on `today`: not cancelled, leaving `today` or later
    /// and arriving by `until`; in one read (an index descent per guest).
    fn stays_of(
        &mut self,
        gids: &[i64],
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<(i64, StayRow)>, Self::Error>;
    /// Every guest with such a stay, in ascending order: a few hundred to tens of thousands
    /// of guests however long the hotel's history. The same for every keystroke of the day,
    /// so a store keeps the list between lookups until its data changes.
    fn staying(&mut self, today: NaiveDate, until: NaiveDate) -> Result<Staying, Self::Error>;
    /// The stays in `room` that touch `today` (arrived by it, leaving on it or later).
    fn room_stays(
        &mut self,
        room: &str,
        today: NaiveDate,
    ) -> Result<Vec<(i64, StayRow)>, Self::Error>;
}

/// Row ids of the guests with a stay standing on a business date, in ascending order; shared,
/// so a store can hand out the list it keeps without copying it.
pub type Staying = std::sync::Arc<[i64]>;

/// Score bands: every exact phone outranks every exact name, which outranks every prefix,
/// which outranks every fuzzy match. Within a band, up to `BAND - 1` points for closeness.
pub const SCORE_EXACT_PHONE: i64 = 1000;
/// The guest in the room the query names (in house, arriving today, leaving today).
pub const SCORE_ROOM: i64 = 900;
pub const SCORE_LAST_DIGITS: i64 = 800;
pub const SCORE_EXACT_NAME: i64 = 600;
pub const SCORE_PREFIX: i64 = 400;
/// "Did you mean": a number one digit off, or with a transposed pair, shown only when the
/// typed number matches no one.
pub const SCORE_NEAR_PHONE: i64 = 300;
pub const SCORE_FUZZY: i64 = 200;
const BAND: i64 = 100;

/// Points a name read another way than its surname reading scores below one read so.
const OTHER_READING: i64 = 2;

/// Queries are cut to this many characters: no name, number or address is longer.
pub const MAX_QUERY_CHARS: usize = 80;
/// Guests fetched per index scan. More guests than this with one exact key (a million
/// guests have ~500 Chen Li) are only told apart by VIP and last stay, which no key holds:
/// the newest profiles are ranked.
const SCAN_CAP: usize = 30;
/// VIPs fetched per scan, before the namesakes: more than a screenful is rare.
const VIP_SCAN_CAP: usize = 10;
/// Guests sharing trailing digits put in order by their phone keys and stays, at most.
const DIGITS_SCAN_CAP: usize = 400;
/// Guests fetched and ranked per query, at most: for digits, and for a name.
const RANK_CAP: usize = 120;
const NAME_RANK_CAP: usize = 60;
/// Guests sharing a query's digits whose names are checked by key before any is fetched.
const NAMED_DIGITS_CAP: usize = 2 * RANK_CAP;
/// Guests fetched per typo-variant scan.
const TYPO_CAP: usize = 12;
/// Name tokens whose orders are all tried (3! = 6 scans); longer queries try two orders.
const MAX_PERMUTED_WORDS: usize = 3;

/// A query split into what it may mean.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// The query's digits reversed, when there are 4 or more, for the trailing-digit scan.
    pub rev_digits: Option<String>,
    /// A whole number's significant digits reversed: without the trunk `0` or the `00` of an
    /// international call (`0086 138…`, `(021) 6234…`), so its stored E.164 ends with them.
    pub rev_whole: Option<String>,
    /// The phone part as typed, when it has the digits of a whole number (7 or more).
    pub phone_text: Option<String>,
    /// The phone part parsed with the default region; only filled in when the digits as
    /// typed find nothing (parsing loads the numbering plan, which costs ~90 ms once).
    pub e164: Option<E164>,
    /// The Han characters of the query, traditional folded to simplified.
    pub han: String,
    /// Latin words, folded (`Müller` -> `muller`).
    pub words: Vec<String>,
    /// A token that may be an e-mail address or its local part, in lower case.
    pub email: Option<String>,
    /// A room number: the whole query is one (`2112`), or asks for one (`r2112`, `room 802`).
    pub room: Option<String>,
    /// The query asked for a room and nothing else.
    pub room_only: bool,
}

impl Plan {
    /// Whether the query asks for anything at all.
    fn is_empty(&self) -> bool {
        !self.has_name() && !self.has_digits() && self.room.is_none()
    }

    pub fn has_name(&self) -> bool {
        !self.han.is_empty() || !self.words.is_empty() || self.email.is_some()
    }

    fn has_digits(&self) -> bool {
        self.rev_digits.is_some()
    }

    /// The reversed digit strings to scan for: as typed, and as a whole number.
    fn digit_probes(&self) -> impl Iterator<Item = &String> {
        self.rev_digits.iter().chain(&self.rev_whole)
    }
}

/// Digits of a whole number, at least: shorter runs are trailing digits, never a number.
const WHOLE_NUMBER_DIGITS: usize = 7;
/// What may precede a whole number's digits in its E.164 form: the country code.
const MAX_COUNTRY_CODE_DIGITS: usize = 3;

/// Reads a query typed in a hurry: phone digits in any notation, Han, Latin words, an e-mail,
/// or a name followed by digits. Unusable input gives an empty plan.
pub fn plan(query: &str) -> Plan {
    let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
    // Full-width digits and letters (`１３８…`, `ｚｈａｎｇ`) and other digit forms as typed
    // by an IME; an extension is not part of the number the guest is filed under.
    let query = phone::fold(&query);
    if let Some(room) = asked_room(&query) {
        return Plan {
            room: Some(room),
            room_only: true,
            ..Plan::default()
        };
    }
    let query = phone::without_extension(&query);
    let mut plan = Plan {
        room: bare_room(query),
        ..Plan::default()
    };
    let mut phone_text = String::new();
    for token in tokens(query) {
        if token.contains('@') {
            plan.email = Some(token.to_lowercase());
        } else if is_phoneish(&token) {
            phone_text.push_str(&token);
            phone_text.push(' ');
        } else if token.chars().any(name::is_name_char) {
            plan.han.push_str(&name::fold_han(&token));
        } else {
            add_word(&mut plan, &token);
        }
    }
    let digits = phone::digits_of(&phone_text);
    if digits.len() >= 4 {
        plan.rev_digits = Some(digits.chars().rev().collect());
    }
    if digits.len() >= WHOLE_NUMBER_DIGITS {
        let significant = digits.trim_start_matches('0');
        if significant.len() != digits.len() && significant.len() >= WHOLE_NUMBER_DIGITS {
            plan.rev_whole = Some(significant.chars().rev().collect());
        }
        plan.phone_text = Some(phone_text);
    }
    plan
}

/// What asks for a room and nothing else, as staff type it: `r2112`, `r 2112`, `room 802`.
const ROOM_PREFIXES: &[&str] = &["room", "r", "房间", "房"];
/// Room numbers are short: longer digit runs are phone digits only.
const MAX_ROOM_CHARS: usize = 6;
/// Bare digits this long may be a room as well as the last digits of a phone.
const BARE_ROOM_DIGITS: std::ops::RangeInclusive<usize> = 2..=5;

/// The room a query asks for by its prefix (`r2112`), if it does.
fn asked_room(query: &str) -> Option<String> {
    let query = query.trim();
    let lower = query.to_lowercase();
    ROOM_PREFIXES.iter().find_map(|prefix| {
        let rest = lower.strip_prefix(prefix)?.trim_start();
        is_room(rest).then(|| query[query.len() - rest.len()..].to_string())
    })
}

/// A room number: starts with a digit, then digits, letters or `-` (`2112`, `12A`, `3-05`).
fn is_room(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_digit())
        && text.chars().count() <= MAX_ROOM_CHARS
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A query of bare digits short enough to be a room number too.
fn bare_room(query: &str) -> Option<String> {
    let query = query.trim();
    (BARE_ROOM_DIGITS.contains(&query.len()) && query.chars().all(|c| c.is_ascii_digit()))
        .then(|| query.to_string())
}

fn add_word(plan: &mut Plan, token: &str) {
    let word = name::fold_latin_word(token);
    if word.is_empty() {
        return;
    }
    let emailish = token.contains(['.', '_', '-']) || token.chars().any(|c| c.is_ascii_digit());
    if emailish && plan.email.is_none() {
        plan.email = Some(token.to_lowercase());
    }
    if plan.words.len() < 6 {
        plan.words.push(word);
    }
}

/// Whitespace-separated tokens, also split where Han meets other text (`张伟8000`).
fn tokens(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in query.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '，')) {
        let mut current = String::new();
        let mut current_han = false;
        for c in chunk.chars() {
            let han = name::is_name_char(c);
            if !current.is_empty() && han != current_han {
                out.push(std::mem::take(&mut current));
            }
            current_han = han;
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

fn is_phoneish(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit())
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || "+-().".contains(c))
}

/// How a candidate came to be fetched; better kinds are ranked first when the candidate set
/// has to be cut to [`RANK_CAP`] or [`NAME_RANK_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Via {
    ExactPhone,
    /// A guest staying now (in house, arriving within the week) found by name: few, and the
    /// likeliest callers, never to be cut for namesakes.
    Staying,
    /// A VIP found by name: few, and never to be cut for namesakes.
    Vip,
    ExactKey,
    Digits,
    /// A key the probe is a prefix of, by how many characters longer it is.
    Prefix(usize),
}

/// The lookup: candidates by index scans, each then scored against the query and ranked.
/// Near spellings are only looked up when nothing matches as typed.
/// With a business date (`today`), a room number finds the guests in that room, and guests in
/// house or arriving within the week come first among equals.
pub fn run<E>(
    index: &mut dyn KeyIndex<Error = E>,
    region: phonenumber::country::Id,
    query: &str,
    limit: usize,
    today: Option<NaiveDate>,
) -> Result<Vec<SearchHit>, E> {
    let mut plan = plan(query);
    if limit == 0 || plan.is_empty() {
        return Ok(Vec::new());
    }
    let mut names = NameScores::default();
    let mut stays = Stays::on(today);
    let mut ranked = Vec::new();
    let mut seen = HashSet::new();
    if let Some(room) = &plan.room {
        in_room(index, room, &mut stays, &mut seen, &mut ranked)?;
    }
    if plan.room_only {
        return best_hits(index, ranked, limit, &mut stays);
    }
    if !plan.has_name() && plan.phone_text.is_none() {
        trailing_digits(
            index,
            &plan,
            &mut names,
            limit,
            &mut stays,
            seen,
            &mut ranked,
        )?;
        return best_hits(index, ranked, limit, &mut stays);
    }
    let mut found = gather(index, &plan, &mut stays)?;
    if found.is_empty() {
        // A national notation whose trunk prefix is not `0` (Russia's `8`, …) only matches
        // once parsed with the hotel's region.
        if let Some(text) = &plan.phone_text {
            plan.e164 = phone::normalize(text, region).ok();
            found = gather(index, &plan, &mut stays)?;
        }
    }
    rank_into(
        index,
        &plan,
        &mut names,
        found,
        usize::MAX,
        &mut seen,
        &mut ranked,
    )?;
    if plan.has_name() && !ranked.iter().any(|(s, _)| s.value >= SCORE_PREFIX) {
        let found = gather_typos(index, &plan)?;
        rank_into(
            index,
            &plan,
            &mut names,
            found,
            usize::MAX,
            &mut seen,
            &mut ranked,
        )?;
    }
    if plan.words.len() >= 2 && !ranked.iter().any(|(s, _)| s.value >= SCORE_PREFIX) {
        near_words(index, &plan, &mut names, &mut seen, &mut ranked)?;
    }
    if !plan.has_name() && ranked.is_empty() {
        near_phones(index, &plan, &mut seen, &mut ranked)?;
    }
    best_hits(index, ranked, limit, &mut stays)
}

/// Candidates whose stays are read one index descent each; for more, the day's guests are
/// read first (one range of hot pages) and only those among them are looked up: candidates
/// are scattered over the whole history, and a descent per candidate reads cold pages.
const STAYS_BY_GUEST: usize = 16;

/// What the lookup knows of its candidates' stays on the business date; without a date,
/// nothing.
struct Stays {
    today: Option<NaiveDate>,
    known: HashMap<i64, Option<HitStay>>,
    /// The guests with a stay standing today, once asked for.
    staying: Option<Staying>,
}

impl Stays {
    fn on(today: Option<NaiveDate>) -> Stays {
        Stays {
            today,
            known: HashMap::new(),
            staying: None,
        }
    }

    /// Reads the stays of those of `gids` not known yet: at most two reads.
    fn load<E>(&mut self, index: &mut dyn KeyIndex<Error = E>, gids: &[i64]) -> Result<(), E> {
        let Some(today) = self.today else {
            return Ok(());
        };
        let mut missing: Vec<i64> = gids
            .iter()
            .copied()
            .filter(|g| !self.known.contains_key(g))
            .collect();
        // A guest with two phones sharing the digits is found twice; their stays are read once.
        missing.sort_unstable();
        missing.dedup();
        if missing.len() > STAYS_BY_GUEST {
            let staying = self.staying(index)?;
            let (now, never): (Vec<i64>, Vec<i64>) = missing
                .iter()
                .partition(|g| staying.binary_search(g).is_ok());
            for gid in never {
                self.known.insert(gid, None);
            }
            missing = now;
        }
        if missing.is_empty() {
            return Ok(());
        }
        let mut rows: HashMap<i64, Vec<StayRow>> = HashMap::new();
        for (gid, row) in index.stays_of(&missing, today, crate::rules::arriving_until(today))? {
            rows.entry(gid).or_default().push(row);
        }
        for gid in missing {
            let now = rows
                .get(&gid)
                .and_then(|r| crate::rules::current_stay(r, today));
            self.known.insert(gid, now);
        }
        Ok(())
    }

    fn get(&self, gid: i64) -> Option<&HitStay> {
        self.known.get(&gid).and_then(Option::as_ref)
    }

    /// Guests with a stay standing today (none without a date), read once per lookup.
    fn staying<E>(&mut self, index: &mut dyn KeyIndex<Error = E>) -> Result<Staying, E> {
        if let Some(staying) = &self.staying {
            return Ok(staying.clone());
        }
        let found = match self.today {
            Some(today) => index.staying(today, crate::rules::arriving_until(today))?,
            None => Staying::from([]),
        };
        self.staying = Some(found.clone());
        Ok(found)
    }
}

/// The guests in `room` on the business date, scored in house first, then arriving, then
/// leaving; each hit carries the stay in that room.
fn in_room<E>(
    index: &mut dyn KeyIndex<Error = E>,
    room: &str,
    stays: &mut Stays,
    seen: &mut HashSet<i64>,
    ranked: &mut Vec<(Score, Candidate)>,
) -> Result<(), E> {
    let Some(today) = stays.today else {
        return Ok(());
    };
    let mut best: HashMap<i64, HitStay> = HashMap::new();
    for (gid, row) in index.room_stays(room, today)? {
        let Some(now) = crate::rules::current_stay([&row], today) else {
            continue;
        };
        let better = best
            .get(&gid)
            .is_none_or(|b| (now.status as u8) < (b.status as u8));
        if better {
            best.insert(gid, now);
        }
    }
    let gids: Vec<i64> = best.keys().copied().collect();
    for c in index.candidates(&gids)? {
        let Some(stay) = best.remove(&c.gid) else {
            continue;
        };
        let closeness = match stay.status {
            StayNow::InHouse => BAND - 1,
            StayNow::Arriving => BAND - 2,
            StayNow::Departing => BAND - 3,
        };
        seen.insert(c.gid);
        stays.known.insert(c.gid, Some(stay));
        let score = Score {
            value: SCORE_ROOM + closeness,
            matched: MatchKind::Room,
            matched_phone: None,
            matched_digits: 0,
        };
        ranked.push((score, c));
    }
    Ok(())
}

/// Guests fetched per near-number scan; each scan names every digit of a number.
const NEAR_PHONE_CAP: usize = 4;
/// Near numbers shown at most.
const NEAR_PHONE_HITS: usize = 10;

/// Numbers one digit off the typed whole number, or with an adjacent pair transposed: a
/// misheard or mistyped digit. Each is one exact index lookup (~110 for a mobile number),
/// made only when the number as typed matches no one.
fn near_phones<E>(
    index: &mut dyn KeyIndex<Error = E>,
    plan: &Plan,
    seen: &mut HashSet<i64>,
    ranked: &mut Vec<(Score, Candidate)>,
) -> Result<(), E> {
    if plan.phone_text.is_none() {
        return Ok(());
    }
    let mut found: Vec<(i64, String)> = Vec::new();
    'probes: for rev in plan.digit_probes() {
        for variant in one_digit_off(rev) {
            for (gid, _) in index.phone_scan(&variant, false, NEAR_PHONE_CAP)? {
                if !found.iter().any(|(g, _)| *g == gid) {
                    found.push((gid, variant.clone()));
                }
            }
            if found.len() >= NEAR_PHONE_HITS {
                break 'probes;
            }
        }
    }
    let gids: Vec<i64> = found.iter().map(|(gid, _)| *gid).collect();
    for c in index.candidates(&gids)? {
        let Some((_, rev)) = found.iter().find(|(gid, _)| *gid == c.gid) else {
            continue;
        };
        let phone = c
            .guest
            .phones
            .iter()
            .find(|p| phone::reversed_digits(&p.e164).starts_with(rev.as_str()));
        let Some(phone) = phone else {
            continue;
        };
        if !seen.insert(c.gid) {
            continue;
        }
        let score = Score {
            value: SCORE_NEAR_PHONE + BAND - 1,
            matched: MatchKind::NearPhone,
            matched_phone: Some(phone.e164.clone()),
            matched_digits: 0,
        };
        ranked.push((score, c));
    }
    Ok(())
}

/// A digit string with one digit replaced, or one adjacent pair swapped; each distinct.
fn one_digit_off(digits: &str) -> Vec<String> {
    let chars: Vec<char> = digits.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for i in 0..chars.len().saturating_sub(1) {
        if chars[i] != chars[i + 1] {
            let mut c = chars.clone();
            c.swap(i, i + 1);
            out.push(c.into_iter().collect());
        }
    }
    for i in 0..chars.len() {
        for d in '0'..='9' {
            if d != chars[i] {
                let mut c = chars.clone();
                c[i] = d;
                out.push(c.into_iter().collect());
            }
        }
    }
    out
}

/// Guests fetched per scan for a name with one misheard word.
const NEAR_WORD_CAP: usize = 30;

/// A name of several words, one of them misheard (`john smth`, `smiht john`): the guests filed
/// under the other words, alone or followed by the misheard word's first letter, ranked by
/// how close their own words are to the typed ones.
fn near_words<E>(
    index: &mut dyn KeyIndex<Error = E>,
    plan: &Plan,
    names: &mut NameScores,
    seen: &mut HashSet<i64>,
    ranked: &mut Vec<(Score, Candidate)>,
) -> Result<(), E> {
    let mut gids: Vec<i64> = Vec::new();
    let mut add = |found: Vec<(String, i64)>| {
        for (_, gid) in found {
            if !gids.contains(&gid) {
                gids.push(gid);
            }
        }
    };
    for (i, misheard) in plan.words.iter().enumerate() {
        let others: Vec<String> = plan
            .words
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, w)| w.clone())
            .collect();
        let first: String = misheard.chars().take(1).collect();
        for order in word_orders(&others).into_iter().take(2) {
            let run = order.concat();
            add(index.name_range(&format!("{run}{first}"), false, NEAR_WORD_CAP)?);
        }
        for other in &others {
            add(index.name_exact(other, NEAR_WORD_CAP)?);
        }
    }
    let fresh: Vec<i64> = gids.into_iter().filter(|g| !seen.contains(g)).collect();
    for c in index.candidates(&fresh)? {
        let value = score(plan, &c.guest, names)
            .map(|s| s.value)
            .or_else(|| near_word_score(&plan.words, &c.guest));
        let Some(value) = value else {
            continue;
        };
        seen.insert(c.gid);
        let forms = NameForms::of(&c.guest.name, c.guest.name_latin.as_deref());
        let score = Score {
            value,
            matched: fuzzy_kind(&forms),
            matched_phone: None,
            matched_digits: 0,
        };
        ranked.push((score, c));
    }
    Ok(())
}

/// Typed words against a guest's name words (Latin, or pinyin surname and given name): all
/// but one equal to a word of the name, the last scored by its edit distance to the closest
/// remaining word; `None` unless some word matches exactly.
fn near_word_score(typed: &[String], guest: &Guest) -> Option<i64> {
    let forms = NameForms::of(&guest.name, guest.name_latin.as_deref());
    let mut lists: Vec<Vec<String>> = forms.latin.clone();
    for reading in &forms.readings {
        let split = forms.surname_len.min(reading.len());
        lists.push(vec![reading[..split].concat(), reading[split..].concat()]);
    }
    let mut best: Option<i64> = None;
    for words in &lists {
        let mut left: Vec<&String> = words.iter().collect();
        let mut misses: Vec<&String> = Vec::new();
        for t in typed {
            match left.iter().position(|w| *w == t) {
                Some(at) => {
                    left.remove(at);
                }
                None => misses.push(t),
            }
        }
        if misses.len() != 1 || misses.len() == typed.len() {
            continue;
        }
        let distance = left
            .iter()
            .map(|w| osa_distance(misses[0], w))
            .min()
            .unwrap_or(usize::MAX / 2) as i64;
        // The closest spellings first; guests sharing only the other word below them.
        let value = SCORE_FUZZY + (BAND - 1 - 20 * distance).max(1);
        best = best.max(Some(value));
    }
    best
}

/// Only a few trailing digits (`8000`): every guest ending so scores the same, so they are put
/// in order from the phone keys alone and only the first `limit` are fetched (on a million
/// guests, four digits are shared by ~120).
fn trailing_digits<E>(
    index: &mut dyn KeyIndex<Error = E>,
    plan: &Plan,
    names: &mut NameScores,
    limit: usize,
    stays: &mut Stays,
    mut seen: HashSet<i64>,
    ranked: &mut Vec<(Score, Candidate)>,
) -> Result<(), E> {
    let Some(rev) = &plan.rev_digits else {
        return Ok(());
    };
    // Phone keys are small: every guest sharing the digits is put in order, so the likely
    // caller is never cut by the scan's cap (on a million guests ~120 share four digits).
    let found = index.phone_scan(rev, false, DIGITS_SCAN_CAP)?;
    let gids: Vec<i64> = found.iter().map(|(gid, _)| *gid).collect();
    stays.load(index, &gids)?;
    // Each guest's stay looked up once, not twice per comparison.
    let mut ordered: Vec<(u8, i64, TieBreak)> = found
        .into_iter()
        .map(|(gid, tie)| (crate::rules::likely_caller_rank(stays.get(gid)), gid, tie))
        .collect();
    ordered
        .sort_by(|(ra, ga, a), (rb, gb, b)| ra.cmp(rb).then_with(|| a.order(b)).then(ga.cmp(gb)));
    let gids: Vec<i64> = ordered.into_iter().map(|(_, gid, _)| gid).collect();
    let up_to = ranked.len() + limit;
    rank_into(index, plan, names, gids, up_to, &mut seen, ranked)
}

/// The first `limit` ranked guests as hits: best score first; equal scores by VIP, last
/// stay, then id.
fn best_hits<E>(
    index: &mut dyn KeyIndex<Error = E>,
    mut ranked: Vec<(Score, Candidate)>,
    limit: usize,
    stays: &mut Stays,
) -> Result<Vec<SearchHit>, E> {
    let gids: Vec<i64> = ranked.iter().map(|(_, c)| c.gid).collect();
    stays.load(index, &gids)?;
    ranked.sort_by(|(sa, a), (sb, b)| {
        sb.value.cmp(&sa.value).then_with(|| {
            tie_order(
                (stays.get(a.gid), &a.guest.vip, a.last_stay, &a.guest.id),
                (stays.get(b.gid), &b.guest.vip, b.last_stay, &b.guest.id),
            )
        })
    });
    ranked.truncate(limit);
    let gids: Vec<i64> = ranked.iter().map(|(_, c)| c.gid).collect();
    let complaints = index.open_complaints(&gids)?;
    Ok(ranked
        .into_iter()
        .map(|(score, c)| {
            let open = complaints.get(&c.gid).copied().unwrap_or(0);
            let stay = stays.get(c.gid).cloned();
            hit(score, c, open, stay)
        })
        .collect())
}

/// Fetches and scores the candidates not seen yet, in order, until `ranked` holds `up_to`:
/// one fetch for the whole set when it can be scored at once, else in batches of what is
/// still missing (trailing digits need only the first `limit` that score).
fn rank_into<E>(
    index: &mut dyn KeyIndex<Error = E>,
    plan: &Plan,
    names: &mut NameScores,
    gids: Vec<i64>,
    up_to: usize,
    seen: &mut HashSet<i64>,
    ranked: &mut Vec<(Score, Candidate)>,
) -> Result<(), E> {
    let mut fresh = gids.into_iter().filter(|gid| seen.insert(*gid));
    while ranked.len() < up_to {
        let batch: Vec<i64> = fresh.by_ref().take(up_to - ranked.len()).collect();
        if batch.is_empty() {
            break;
        }
        for c in index.candidates(&batch)? {
            if let Some(score) = score(plan, &c.guest, names) {
                ranked.push((score, c));
            }
        }
    }
    Ok(())
}

/// The candidate guests, best-fetched first, at most [`RANK_CAP`] with digits and
/// [`NAME_RANK_CAP`] for a name alone.
fn gather<E>(
    index: &mut dyn KeyIndex<Error = E>,
    plan: &Plan,
    stays: &mut Stays,
) -> Result<Vec<i64>, E> {
    let mut found: HashMap<i64, Via> = HashMap::new();
    if let Some(e164) = &plan.e164 {
        for (gid, _) in index.phone_scan(&phone::reversed_digits(e164), true, SCAN_CAP)? {
            note(&mut found, gid, Via::ExactPhone);
        }
    }
    if plan.has_digits() {
        // With a name, more guests sharing the digits are worth taking in: they are checked
        // against the name's postings, not fetched (four digits are shared by ~120 of a
        // million guests).
        let cap = if plan.has_name() {
            NAMED_DIGITS_CAP
        } else {
            RANK_CAP
        };
        let mut gids = Vec::new();
        for rev in plan.digit_probes() {
            gids.extend(
                index
                    .phone_scan(rev, false, cap)?
                    .into_iter()
                    .map(|(gid, _)| gid),
            );
        }
        // With every guest sharing the digits in hand, a name only has to be checked on them:
        // first against the postings of the name as typed (`张伟 8000`), which spares fetching
        // every guest with those digits; else on the guests themselves (prefix, typo).
        if gids.len() < cap && plan.has_name() {
            let mut named = HashSet::new();
            for probe in probes(plan) {
                named.extend(index.name_filed(&probe, &gids)?);
            }
            if !named.is_empty() {
                gids.retain(|g| named.contains(g));
            }
            gids.truncate(RANK_CAP);
            return Ok(gids);
        }
        for gid in gids {
            note(&mut found, gid, Via::Digits);
        }
    }
    if plan.has_name() {
        for probe in probes(plan) {
            // When a scan could not take every guest the probe finds, the VIPs among them are
            // looked up too: among hundreds of namesakes the newest profiles are not the ones
            // the hotel must not miss.
            let plain = |longer: Option<usize>| longer.map_or(Via::ExactKey, Via::Prefix);
            if scan_name(index, &probe, SCAN_CAP, &mut found, plain)? == SCAN_CAP {
                let vip = vip_key(&probe);
                scan_name(index, &vip, VIP_SCAN_CAP, &mut found, |_| Via::Vip)?;
                // Likewise the namesakes staying with us now, the likeliest callers.
                let staying = stays.staying(index)?;
                if !staying.is_empty() {
                    for gid in index.name_filed(&probe, &staying)? {
                        note(&mut found, gid, Via::Staying);
                    }
                }
            }
        }
    }
    let cap = if plan.has_digits() {
        RANK_CAP
    } else {
        NAME_RANK_CAP
    };
    Ok(best_first(found, cap))
}

/// Candidates for a misspelt name: near spellings of each Latin probe.
fn gather_typos<E>(index: &mut dyn KeyIndex<Error = E>, plan: &Plan) -> Result<Vec<i64>, E> {
    let variants: Vec<Vec<String>> = probes(plan)
        .iter()
        .filter(|p| p.is_ascii())
        .map(|p| typo_variants(p))
        .collect();
    // The likeliest slips of every probe (swaps, then drops) first, until there are enough.
    let mut found = Vec::new();
    let longest = variants.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for variant in variants.iter().filter_map(|v| v.get(i)) {
            for (_, gid) in index.name_range(variant, true, TYPO_CAP)? {
                if !found.contains(&gid) {
                    found.push(gid);
                }
            }
            if found.len() >= NAME_RANK_CAP {
                found.truncate(NAME_RANK_CAP);
                return Ok(found);
            }
        }
    }
    Ok(found)
}

fn note(found: &mut HashMap<i64, Via>, gid: i64, via: Via) {
    let e = found.entry(gid).or_insert(via);
    *e = (*e).min(via);
}

fn best_first(found: HashMap<i64, Via>, cap: usize) -> Vec<i64> {
    let mut order: Vec<(Via, i64)> = found.into_iter().map(|(g, v)| (v, g)).collect();
    order.sort_unstable();
    order.into_iter().take(cap).map(|(_, g)| g).collect()
}

/// Notes the guests filed under `probe` or a key it starts (`via` is told by how many
/// characters the key is longer, `None` for equal): how many, at most `cap`.
fn scan_name<E>(
    index: &mut dyn KeyIndex<Error = E>,
    probe: &str,
    cap: usize,
    found: &mut HashMap<i64, Via>,
    via: impl Fn(Option<usize>) -> Via,
) -> Result<usize, E> {
    let probe_len = probe.chars().count();
    let exact = index.name_exact(probe, cap)?;
    let mut taken = exact.len();
    for (_, gid) in exact {
        note(found, gid, via(None));
    }
    if taken < cap {
        let prefixed = index.name_range(probe, false, cap - taken)?;
        taken += prefixed.len();
        for (key, gid) in prefixed {
            note(found, gid, via(Some(key.chars().count() - probe_len)));
        }
    }
    Ok(taken)
}

/// A VIP's name keys are filed twice: as they are and behind this mark, which sorts before
/// every letter, so no plain key range ever reaches the marked ones.
const VIP_MARK: char = '\u{1}';

/// The key a VIP is also filed under.
pub fn vip_key(key: &str) -> String {
    format!("{VIP_MARK}{key}")
}

/// The key prefixes a query's name part is looked up by: the Han run, the Latin words run
/// together in every order (a name is typed surname first or last), the e-mail's local part.
fn probes(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |p: String| {
        if !p.is_empty() && !out.contains(&p) {
            out.push(p);
        }
    };
    push(name::fold_han(&plan.han));
    for order in word_orders(&plan.words) {
        push(order.concat());
    }
    if let Some(email) = &plan.email {
        push(name::email_key(email));
    }
    out.into_iter()
        .map(|p| p.chars().take(name::MAX_KEY_CHARS).collect())
        .collect()
}

fn word_orders(words: &[String]) -> Vec<Vec<String>> {
    if words.len() > MAX_PERMUTED_WORDS {
        let reversed = words.iter().rev().cloned().collect();
        return vec![words.to_vec(), reversed];
    }
    let mut orders = vec![Vec::new()];
    for _ in 0..words.len() {
        let mut next = Vec::new();
        for order in &orders {
            for (i, w) in words.iter().enumerate() {
                let used = order.iter().filter(|o: &&(usize, String)| o.0 == i).count();
                if used == 0 {
                    let mut o = order.clone();
                    o.push((i, w.clone()));
                    next.push(o);
                }
            }
        }
        orders = next;
    }
    orders
        .into_iter()
        .map(|o| o.into_iter().map(|(_, w)| w).collect())
        .collect()
}

/// Near spellings of a probe to look up when it finds too little: each adjacent pair swapped
/// (`jonh` -> `john`), each character dropped (`zhanng` -> `zhang`), the last one or two
/// characters cut. Bounded by the probe's length.
fn typo_variants(probe: &str) -> Vec<String> {
    let chars: Vec<char> = probe.chars().collect();
    let n = chars.len();
    if !(3..=24).contains(&n) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |v: String| {
        if v != probe && !out.contains(&v) {
            out.push(v);
        }
    };
    for i in 0..n - 1 {
        let mut c = chars.clone();
        c.swap(i, i + 1);
        push(c.into_iter().collect());
    }
    for i in 0..n {
        let mut c = chars.clone();
        c.remove(i);
        push(c.into_iter().collect());
    }
    if n >= 5 {
        push(chars[..n - 2].iter().collect());
    }
    out
}

/// A candidate's score against the query and what it matched on.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub value: i64,
    pub matched: MatchKind,
    pub matched_phone: Option<E164>,
    pub matched_digits: usize,
}

/// Scores one guest against the query, or `None` when it does not match at all (a name and
/// digits must both match).
fn score(plan: &Plan, guest: &Guest, names: &mut NameScores) -> Option<Score> {
    let phone = phone_match(plan, guest);
    if plan.has_digits() && phone.is_none() {
        return None;
    }
    let name = if plan.has_name() {
        Some(names.of(plan, guest)?)
    } else {
        None
    };
    let (matched_phone, matched_digits, phone_value) = match phone {
        Some((e164, digits, value)) => (Some(e164), digits, value),
        None => (None, 0, 0),
    };
    let (value, matched) = match name {
        // Digits that narrow a name add within the name's band.
        Some((value, kind)) => (value + (phone_value > 0) as i64 * (BAND / 2 - 1), kind),
        None => (phone_value, MatchKind::Phone),
    };
    Some(Score {
        value,
        matched,
        matched_phone,
        matched_digits,
    })
}

/// The name scores of one lookup, by the name they were worked out for: namesakes (hundreds
/// of 张伟 or 이서연 among a million guests) are scored once. Scoring a name builds every
/// reading and spelling of it, most of the cost of ranking a candidate.
#[derive(Default)]
struct NameScores {
    matcher: SkimMatcherV2,
    /// By name, Latin name and pseudonym: all a name's score depends on but its e-mails.
    known: HashMap<NameKey, Option<(i64, MatchKind)>>,
}

/// A guest's name, Latin name and pseudonym.
type NameKey = (String, Option<String>, Option<String>);

impl NameScores {
    /// The guest's name (or pseudonym) scored against the query's name part.
    fn of(&mut self, plan: &Plan, guest: &Guest) -> Option<(i64, MatchKind)> {
        let matcher = &self.matcher;
        let worked_out =
            || name_score(plan, guest, matcher).or_else(|| pseudonym_score(plan, guest, matcher));
        // Each guest has their own e-mail addresses.
        if plan.email.is_some() {
            return worked_out();
        }
        let key = (
            guest.name.clone(),
            guest.name_latin.clone(),
            guest.pseudonym.clone(),
        );
        if let Some(known) = self.known.get(&key) {
            return *known;
        }
        let found = worked_out();
        self.known.insert(key, found);
        found
    }
}

/// The guest's phone the query's digits match: exactly, or on its trailing digits.
fn phone_match(plan: &Plan, guest: &Guest) -> Option<(E164, usize, i64)> {
    let phones = guest.phones.iter().map(|p| &p.e164);
    if let Some(exact) = &plan.e164 {
        if let Some(p) = phones.clone().find(|p| *p == exact) {
            return Some((p.clone(), p.digits().len(), SCORE_EXACT_PHONE));
        }
    }
    let (p, matched) = phones
        .flat_map(|p| {
            let stored = phone::reversed_digits(p);
            plan.digit_probes()
                .filter(move |rev| stored.starts_with(rev.as_str()))
                .map(move |rev| (p, rev.len()))
        })
        .max_by_key(|(_, matched)| *matched)?;
    // Every digit of the number typed, only without its country code, is as good as exact.
    let all = p.digits().len();
    if matched >= WHOLE_NUMBER_DIGITS && all - matched <= MAX_COUNTRY_CODE_DIGITS {
        return Some((p.clone(), all, SCORE_EXACT_PHONE));
    }
    let value = SCORE_LAST_DIGITS + (matched as i64).min(BAND - 1);
    Some((p.clone(), matched, value))
}

/// An incognito guest's pseudonym, scored as a name: everyone finds them by it.
fn pseudonym_score(
    plan: &Plan,
    guest: &Guest,
    matcher: &SkimMatcherV2,
) -> Option<(i64, MatchKind)> {
    let alias = guest.pseudonym.as_deref().filter(|a| *a != guest.name)?;
    name_score(plan, &Guest::new(guest.id.clone(), alias), matcher)
}

/// The best of the name's matches: Han, pinyin and initials, Latin words, e-mail; fuzzy last.
fn name_score(plan: &Plan, guest: &Guest, matcher: &SkimMatcherV2) -> Option<(i64, MatchKind)> {
    let has_words = !plan.words.is_empty();
    // Pinyin and Latin forms cost more than the rest of scoring: only made for words.
    let forms = || NameForms::of(&guest.name, guest.name_latin.as_deref());
    if !plan.han.is_empty() {
        if !has_words {
            return Some((
                han_score(&plan.han, &NameForms::han_only(&guest.name))?,
                MatchKind::Name,
            ));
        }
        let forms = forms();
        let han = han_score(&plan.han, &forms)?;
        // Han and Latin words together (`张伟 zhang`) must both match.
        words_score(&plan.words, &forms, matcher)?;
        return Some((han, MatchKind::Name));
    }
    let mut best: Option<(i64, MatchKind)> = None;
    if has_words {
        best = words_score(&plan.words, &forms(), matcher);
    }
    if let Some(email) = &plan.email {
        if let Some((v, kind)) = email_score(email, &guest.emails) {
            keep_best(&mut best, Some(v), kind);
        }
    }
    best
}

fn han_score(query: &str, forms: &NameForms) -> Option<i64> {
    if forms.han.is_empty() {
        return None;
    }
    if forms.han == query {
        return Some(SCORE_EXACT_NAME + BAND - 1);
    }
    let extra = forms
        .han
        .chars()
        .count()
        .saturating_sub(query.chars().count()) as i64;
    if forms.han.starts_with(query) {
        return Some(SCORE_PREFIX + BAND - 1 - extra * 10);
    }
    // After the first character, not the surname: a two-character surname may be a
    // one-character one and a given name (钟离明, 段干明).
    let given: String = forms.han.chars().skip(forms.surname_len.min(1)).collect();
    if given.contains(query) {
        return Some(SCORE_PREFIX + BAND / 2 - extra * 10);
    }
    None
}

/// Latin words against the pinyin (both name orders, initials) and the Latin name variants.
fn words_score(
    words: &[String],
    forms: &NameForms,
    matcher: &SkimMatcherV2,
) -> Option<(i64, MatchKind)> {
    let typed = words.concat();
    let mut best: Option<(i64, MatchKind)> = None;
    let mut offer = |value: Option<i64>, kind: MatchKind| keep_best(&mut best, value, kind);
    // Another reading than the surname's (`gai ming` for 盖明, read Gě) still matches, just
    // below a guest whose name is read that way.
    let below = |reading: usize| if reading == 0 { 0 } else { OTHER_READING };
    for (spelling, reading) in forms.spellings() {
        let value = run_score(&typed, std::slice::from_ref(&spelling));
        offer(value.map(|v| v - below(reading)), MatchKind::Pinyin);
    }
    for (reading, syllables) in forms.readings.iter().enumerate() {
        let initials: String = syllables.iter().filter_map(|s| s.chars().next()).collect();
        let value = initials_score(&typed, &initials);
        offer(value.map(|v| v - below(reading)), MatchKind::Pinyin);
    }
    for variant in &forms.latin {
        offer(latin_score(words, variant), MatchKind::Name);
    }
    if best.is_none() {
        keep_best(
            &mut best,
            fuzzy_score(&typed, forms, matcher),
            fuzzy_kind(forms),
        );
    }
    best
}

fn keep_best(best: &mut Option<(i64, MatchKind)>, value: Option<i64>, kind: MatchKind) {
    if let Some(v) = value {
        if best.is_none_or(|b| v > b.0) {
            *best = Some((v, kind));
        }
    }
}

fn fuzzy_kind(forms: &NameForms) -> MatchKind {
    if forms.latin.is_empty() {
        MatchKind::Pinyin
    } else {
        MatchKind::Name
    }
}

/// A typed run against whole-name spellings: equal, or a prefix of one.
fn run_score(typed: &str, spellings: &[String]) -> Option<i64> {
    let mut best = None;
    for s in spellings {
        let value = if s == typed {
            SCORE_EXACT_NAME + BAND - 1
        } else if s.starts_with(typed) {
            SCORE_PREFIX + closeness(typed.len(), s.len())
        } else {
            continue;
        };
        best = best.max(Some(value));
    }
    best
}

/// Up to `BAND - 1` points for how much of the key the typed text covers.
fn closeness(typed: usize, whole: usize) -> i64 {
    if whole == 0 {
        return 0;
    }
    ((BAND - 1) * typed.min(whole) as i64 / whole as i64).clamp(0, BAND - 1)
}

fn initials_score(typed: &str, initials: &str) -> Option<i64> {
    if initials.len() < 2 || typed.len() < 2 || !initials.starts_with(typed) {
        return None;
    }
    // Initials are an abbreviation: a prefix-band match, below a typed-out prefix.
    Some(SCORE_PREFIX + closeness(typed.len(), initials.len()) / 2)
}

/// Latin words in any order: all equal to the name's words, or each a prefix of a different
/// word of it, or run together as a prefix of the name from some word on.
fn latin_score(words: &[String], name: &[String]) -> Option<i64> {
    let mut typed: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut own: Vec<&str> = name.iter().map(String::as_str).collect();
    typed.sort_unstable();
    own.sort_unstable();
    if typed == own {
        return Some(SCORE_EXACT_NAME + BAND - 1);
    }
    let whole: usize = name.iter().map(String::len).sum();
    let covered: usize = words.iter().map(String::len).sum();
    if each_prefix_of_distinct(words, name) {
        return Some(SCORE_PREFIX + closeness(covered, whole));
    }
    let run = words.concat();
    (0..name.len())
        .any(|start| name[start..].concat().starts_with(&run))
        .then(|| SCORE_PREFIX + closeness(covered, whole) / 2)
}

/// Whether every typed word starts a different word of the name (`smi jo` in John Smith).
fn each_prefix_of_distinct(words: &[String], name: &[String]) -> bool {
    let mut used = vec![false; name.len()];
    // Longest typed words first, so a short one cannot take the only word a long one fits.
    let mut typed: Vec<&String> = words.iter().collect();
    typed.sort_by_key(|w| std::cmp::Reverse(w.len()));
    typed.into_iter().all(|w| {
        let slot = (0..name.len()).find(|&i| !used[i] && name[i].starts_with(w.as_str()));
        slot.map(|i| used[i] = true).is_some()
    })
}

fn email_score(typed: &str, emails: &[String]) -> Option<(i64, MatchKind)> {
    let mut best = None;
    for e in emails.iter().map(|e| e.trim().to_lowercase()) {
        let value = if e == typed {
            SCORE_EXACT_NAME + BAND - 1
        } else if e.starts_with(typed) {
            SCORE_PREFIX + closeness(typed.len(), e.len())
        } else {
            continue;
        };
        best = best.max(Some(value));
    }
    best.map(|v| (v, MatchKind::Email))
}

/// A misspelt name: close in edit distance (a swap counts once) to a whole-name spelling, or
/// its letters in order in one (the fuzzy matcher's subsequence score).
fn fuzzy_score(typed: &str, forms: &NameForms, matcher: &SkimMatcherV2) -> Option<i64> {
    let n = typed.chars().count();
    if n < 3 {
        return None;
    }
    let allowed = if n >= 8 { 2 } else { 1 };
    let spellings = forms.whole_names();
    let mut best = None;
    for s in &spellings {
        // A prefix typed with a typo is compared with the same length of the name.
        let head: String = s.chars().take(n).collect();
        let d = osa_distance(typed, s).min(osa_distance(typed, &head) + 1);
        if d <= allowed {
            best = best.max(Some(SCORE_FUZZY + BAND - 1 - d as i64 * 30));
        }
        if let Some(sub) = matcher.fuzzy_match(s, typed) {
            best = best.max(Some(SCORE_FUZZY + (sub / 10).clamp(0, BAND / 3)));
        }
    }
    best
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// swaps each cost one.
pub fn osa_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// A ranked guest as the result list shows it, with its open complaints.
fn hit(score: Score, c: Candidate, open_complaints: u32, stay: Option<HitStay>) -> SearchHit {
    let g = c.guest;
    SearchHit {
        do_not_rent: g.has_flag(Flag::DoNotRent),
        phones: g.phones.iter().map(|p| p.e164.clone()).collect(),
        id: g.id,
        name: g.name,
        name_latin: g.name_latin,
        preferred_address: g.preferred_address,
        vip: g.vip,
        score: score.value,
        matched: score.matched,
        matched_phone: score.matched_phone,
        matched_digits: score.matched_digits,
        last_stay: c.last_stay,
        open_complaints,
        stay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_notations_plan_digits_the_stored_number_ends_with() {
        let stored = phone::reversed_digits(&E164("+8613800138000".into()));
        for q in [
            "13800138000",
            "+86 138-0013-8000",
            "0086 13800138000",
            "138 0013 8000",
        ] {
            let p = plan(q);
            assert!(
                p.digit_probes().any(|rev| stored.starts_with(rev.as_str())),
                "{q}: {p:?}"
            );
            assert!(!p.has_name(), "{q}");
        }
        let landline = phone::reversed_digits(&E164("+862162345678".into()));
        let p = plan("(021) 6234 5678");
        assert!(p
            .digit_probes()
            .any(|rev| landline.starts_with(rev.as_str())));
    }

    #[test]
    fn full_width_digits_and_extensions_plan_the_number() {
        for q in [
            "１３８００１３８０００",
            "１３８－００１３－８０００",
            "13800138000转806",
            "13800138000 ext. 806",
            "१३८००१३८०००",
        ] {
            let p = plan(q);
            assert_eq!(p.rev_digits.as_deref(), Some("00083100831"), "{q}");
            assert!(!p.has_name(), "{q}");
        }
        let p = plan("＋８６ １３８－００１３－８０００");
        assert_eq!(p.rev_digits.as_deref(), Some("0008310083168"));
        let p = plan("ｚｈａｎｇ ｗｅｉ");
        assert_eq!(p.words, ["zhang", "wei"]);
    }

    #[test]
    fn a_leading_zero_of_last_digits_is_kept() {
        let p = plan("0132");
        assert_eq!(p.rev_digits.as_deref(), Some("2310"));
        assert_eq!(p.rev_whole, None);
    }

    #[test]
    fn name_and_digits_split_even_without_a_space() {
        let p = plan("张伟8000");
        assert_eq!(p.han, "张伟");
        assert_eq!(p.rev_digits.as_deref(), Some("0008"));
    }

    #[test]
    fn fewer_than_four_digits_are_not_a_phone() {
        let p = plan("123");
        assert!(!p.has_digits() && !p.has_name(), "{p:?}");
        assert_eq!(p.room.as_deref(), Some("123"), "but may be a room");
    }

    #[test]
    fn a_prefix_asks_for_a_room_and_nothing_else() {
        for (q, room) in [("r2112", "2112"), ("R 12A", "12A"), ("room 3-05", "3-05")] {
            let p = plan(q);
            assert_eq!((p.room.as_deref(), p.room_only), (Some(room), true), "{q}");
            assert!(!p.has_digits() && !p.has_name(), "{q}");
        }
        let p = plan("2112");
        assert_eq!((p.room.as_deref(), p.room_only), (Some("2112"), false));
        assert!(p.has_digits());
        for q in ["rachel", "r", "13800138000", "room"] {
            assert!(!plan(q).room_only, "{q}");
        }
        assert_eq!(plan("13800138000").room, None);
    }

    #[test]
    fn nonsense_plans_nothing_to_look_up() {
        for q in ["%", "   ", "😀😀", "'; --"] {
            let p = plan(q);
            assert!(!p.has_name() && !p.has_digits(), "{q:?} -> {p:?}");
        }
    }

    #[test]
    fn words_are_tried_in_every_order() {
        let p = plan("smith john");
        let probes = probes(&p);
        assert!(probes.contains(&"johnsmith".to_string()), "{probes:?}");
        assert!(probes.contains(&"smithjohn".to_string()), "{probes:?}");
    }

    #[test]
    fn a_swapped_pair_is_one_edit() {
        assert_eq!(osa_distance("jonh", "john"), 1);
        assert_eq!(osa_distance("zahngwei", "zhangwei"), 1);
        assert_eq!(osa_distance("", "abc"), 3);
        assert_eq!(osa_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn typo_variants_include_the_fix() {
        assert!(typo_variants("jonhsmith").contains(&"johnsmith".to_string()));
        assert!(typo_variants("zhanngwei").contains(&"zhangwei".to_string()));
    }
}
