//! Name search keys: Han characters (NFKC, iteration marks and traditional folded), pinyin in
//! full and as initials in every reading a caller may say (the surname's first), dotted names
//! as parts, accent-folded Latin words, and e-mail addresses.

use pinyin::{ToPinyin, ToPinyinMulti};
use unicode_normalization::UnicodeNormalization;

use super::surnames::SURNAMES;

/// Longest key stored; a longer name still matches on its first characters.
pub const MAX_KEY_CHARS: usize = 40;

/// Readings of a whole name indexed and scored at most: the surname's first, then the other
/// readings of its characters, nearest first (`都明` -> `duming`, `douming`).
const MAX_READINGS: usize = 4;

/// What separates the parts of a transliterated name (`买买提·艾力`): a middle dot, a bullet, the katakana
/// and hyphenation points, the half-width katakana dot and the full-width full stop.
const NAME_DOTS: &[char] = &['·', '•', '・', '‧', '･', '．'];

/// Iteration marks, standing for the character before them (`佐々木` is `佐佐木`).
const ITERATION_MARKS: &[char] = &['々', '〻'];

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x323AF)
}

/// A character that belongs to a Han name: Han, or an iteration mark.
pub fn is_name_char(c: char) -> bool {
    is_han(c) || ITERATION_MARKS.contains(&c)
}

/// Han characters only, folded for comparison: compatibility forms by NFKC, iteration marks
/// spelled out, traditional to simplified (陳大文 -> 陈大文).
pub fn fold_han(s: &str) -> String {
    let simplified = match unicode_normalization::is_nfkc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => fast2s::convert(s),
        _ => fast2s::convert(&s.nfkc().collect::<String>()),
    };
    let mut out = String::new();
    let mut previous = None;
    for c in simplified.chars() {
        if ITERATION_MARKS.contains(&c) {
            out.extend(previous);
        } else if is_han(c) {
            out.push(c);
            previous = Some(c);
        }
    }
    out
}

/// The Han parts of a name written with a middle dot (`买买提·艾力` -> `买买提`, `艾力`), or
/// `None` for a name without one.
fn dotted_parts(name: &str) -> Option<Vec<String>> {
    if !name.contains(NAME_DOTS) {
        return None;
    }
    let parts: Vec<String> = name
        .split(NAME_DOTS)
        .map(fold_han)
        .filter(|p| !p.is_empty())
        .collect();
    (parts.len() > 1).then_some(parts)
}

/// The surname a Han name starts with and its reading, longest first (`子车` before `子`).
fn surname_of(han: &str) -> Option<(&'static str, &'static [&'static str])> {
    let mut ends = han
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .take(2)
        .collect::<Vec<_>>();
    ends.push(han.len());
    ends.truncate(2);
    ends.into_iter().rev().find_map(|end| {
        let head = &han[..end];
        SURNAMES
            .binary_search_by(|(s, _)| (*s).cmp(head))
            .ok()
            .map(|i| SURNAMES[i])
    })
}

/// Every reading a character has, its commonest first; a character the pinyin tables lack
/// is romanised by deunicode (`𠮷` -> `ji`), else kept as itself so it is never dropped.
fn char_readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let first = c.to_pinyin().map(|p| p.plain().to_string());
    let others = c
        .to_pinyin_multi()
        .into_iter()
        .flatten()
        .map(|p| p.plain().to_string());
    for reading in first.into_iter().chain(others) {
        if !out.contains(&reading) {
            out.push(reading);
        }
    }
    if out.is_empty() {
        let romanised = deunicode::deunicode_char(c)
            .map(|r| r.trim().to_lowercase())
            .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphabetic()));
        out.push(romanised.unwrap_or_else(|| c.to_string()));
    }
    out
}

/// Each character's readings: the surname's (unless the name has parts) first.
fn readings_per_char(han: &str, with_surname: bool) -> (Vec<Vec<String>>, usize) {
    let chars: Vec<char> = han.chars().collect();
    let mut options: Vec<Vec<String>> = chars.iter().map(|&c| char_readings(c)).collect();
    let mut surname_len = 0;
    if with_surname && !chars.is_empty() {
        surname_len = 1;
        if let Some((surname, reading)) = surname_of(han) {
            surname_len = surname.chars().count();
            for (option, syllable) in options.iter_mut().zip(reading.iter()) {
                option.retain(|r| r != syllable);
                option.insert(0, syllable.to_string());
            }
        }
    }
    (options, surname_len)
}

/// Pinyin syllables of a (simplified) Han name, surname read as a surname.
pub fn pinyin_syllables(han: &str) -> Vec<String> {
    readings_per_char(han, true)
        .0
        .into_iter()
        .map(|mut o| o.swap_remove(0))
        .collect()
}

/// How a reading is typed: ü as `v` (IME spelling) and as `u` (deunicode's), the `v` first.
fn typed_spellings(syllable: &str) -> Vec<String> {
    if syllable.contains('ü') {
        vec![syllable.replace('ü', "v"), syllable.replace('ü', "u")]
    } else {
        vec![syllable.to_string()]
    }
}

/// Whole-name readings, the first reading of every character first, then those that change
/// the fewest characters, at most `cap`.
fn combinations(options: &[Vec<String>], cap: usize) -> Vec<Vec<String>> {
    let mut picks: Vec<Vec<usize>> = vec![vec![0; options.len()]];
    let mut at = 0;
    while at < picks.len() && picks.len() < cap {
        for pos in 0..options.len() {
            let mut next = picks[at].clone();
            next[pos] += 1;
            if next[pos] < options[pos].len() && !picks.contains(&next) && picks.len() < cap {
                picks.push(next);
            }
        }
        at += 1;
    }
    picks
        .iter()
        .map(|pick| {
            pick.iter()
                .zip(options)
                .map(|(&k, o)| o[k].clone())
                .collect()
        })
        .collect()
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The romanized form for a Han name (`张小明` -> `Zhang Xiaoming`, `买买提·艾力` ->
/// `Maimaiti Aili`), or None if it has no Han.
pub fn latin_from_han(name: &str) -> Option<String> {
    if let Some(parts) = dotted_parts(name) {
        let words: Vec<String> = parts
            .iter()
            .map(|p| {
                capitalised(
                    &readings_per_char(p, false)
                        .0
                        .iter()
                        .map(|o| o[0].as_str())
                        .collect::<String>(),
                )
            })
            .collect();
        return Some(words.join(" "));
    }
    let han = fold_han(name);
    if han.is_empty() {
        return None;
    }
    let syllables = pinyin_syllables(&han);
    let surname_len = surname_syllables(&han);
    let surname = capitalised(&syllables[..surname_len.min(syllables.len())].concat());
    let given = capitalised(&syllables[surname_len.min(syllables.len())..].concat());
    Some(if given.is_empty() {
        surname
    } else {
        format!("{surname} {given}")
    })
}

/// How many syllables the surname takes.
fn surname_syllables(han: &str) -> usize {
    match surname_of(han) {
        Some((surname, _)) => surname.chars().count(),
        None => 1,
    }
}

/// Latin words folded for search: accents removed, lower case, apostrophes dropped
/// (`Seán O'Brien` -> `sean`, `obrien`, `brien`); German umlauts also as `ue` (`mueller`).
pub fn latin_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for variant in latin_variants(text) {
        for word in variant {
            push_unique(&mut words, word);
        }
    }
    words
}

/// The ways a Latin name may be typed, each as its folded words in order: as written, with
/// apostrophe parts split (`o`, `brien`), with umlauts spelled out (`mueller`).
fn latin_variants(text: &str) -> Vec<Vec<String>> {
    let mut variants: Vec<Vec<String>> = Vec::new();
    let expanded = umlauts_expanded(text);
    let sources: &[&str] = if expanded == text {
        &[text]
    } else {
        &[text, &expanded]
    };
    for source in sources {
        let letters: String = source
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '\'' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let folded = deunicode::deunicode(&letters).to_lowercase();
        let raw: Vec<&str> = folded
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
            .filter(|w| w.chars().any(|c| c.is_ascii_alphanumeric()))
            .collect();
        let joined: Vec<String> = raw.iter().map(|w| fold_latin_word(w)).collect();
        let split: Vec<String> = raw
            .iter()
            .flat_map(|w| w.split('\''))
            .filter(|w| w.len() >= 2)
            .map(String::from)
            .collect();
        for words in [joined, split] {
            if !words.is_empty() && !variants.contains(&words) {
                variants.push(words);
            }
        }
    }
    variants
}

/// One typed Latin word as it is compared with keys: ASCII letters and digits, lower case.
pub fn fold_latin_word(word: &str) -> String {
    // Letters only: deunicode would spell an emoji out as a word.
    let letters: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
    deunicode::deunicode(&letters)
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

fn umlauts_expanded(text: &str) -> String {
    text.replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('Ä', "Ae")
        .replace('Ö', "Oe")
        .replace('Ü', "Ue")
        .replace('ß', "ss")
}

fn push_unique(keys: &mut Vec<String>, key: String) {
    if !key.is_empty() && !keys.contains(&key) {
        keys.push(key);
    }
}

fn truncated(s: &str) -> String {
    s.chars().take(MAX_KEY_CHARS).collect()
}

/// The folded forms a guest's name can be compared with: the Han name, its pinyin syllables
/// (surname first), every reading a caller may type, and the Latin word lists of every variant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameForms {
    pub han: String,
    /// The surname reading of every character, as shown (`lü`).
    pub syllables: Vec<String>,
    /// How many syllables (and Han characters) the surname takes; for a name with parts
    /// (`买买提·艾力`), the first part, which is no surname but is said first all the same.
    pub surname_len: usize,
    pub latin: Vec<Vec<String>>,
    /// The syllables as a caller types them, one list per reading, the surname reading
    /// first: ü as `v` and as `u`, then the other readings of polyphonic characters.
    pub readings: Vec<Vec<String>>,
    /// Where each part after the first of a dotted name starts, in syllables.
    pub part_starts: Vec<usize>,
}

impl NameForms {
    /// `name_latin` counts only when it says something the pinyin does not: `Zhang Wei`,
    /// `ZHANG WEI` and `Wei Zhang` all repeat 张伟's pinyin.
    pub fn of(name: &str, name_latin: Option<&str>) -> NameForms {
        let mut forms = NameForms::han_only(name);
        if !forms.han.is_empty() {
            let (options, part_starts) = match dotted_parts(name) {
                Some(parts) => {
                    let mut options = Vec::new();
                    let mut starts = Vec::new();
                    for part in &parts {
                        if !options.is_empty() {
                            starts.push(options.len());
                        }
                        options.extend(readings_per_char(part, false).0);
                    }
                    (options, starts)
                }
                None => (readings_per_char(&forms.han, true).0, Vec::new()),
            };
            forms.syllables = options.iter().map(|o| o[0].clone()).collect();
            let typed: Vec<Vec<String>> = options
                .iter()
                .map(|o| {
                    let mut spellings: Vec<String> = Vec::new();
                    for s in o.iter().flat_map(|r| typed_spellings(r)) {
                        if !spellings.contains(&s) {
                            spellings.push(s);
                        }
                    }
                    spellings
                })
                .collect();
            forms.readings = combinations(&typed, MAX_READINGS);
            forms.part_starts = part_starts;
        }
        if forms.han.is_empty() {
            forms.latin.extend(latin_variants(name));
        }
        if let Some(latin) = name_latin.filter(|l| !forms.repeats_pinyin(l)) {
            for variant in latin_variants(latin) {
                if !forms.latin.contains(&variant) {
                    forms.latin.push(variant);
                }
            }
        }
        forms
    }

    /// Only the Han name and how long its surname (or first part) is: all a query in Han is
    /// compared with.
    pub fn han_only(name: &str) -> NameForms {
        let (han, surname_len) = match dotted_parts(name) {
            Some(parts) => (parts.concat(), parts[0].chars().count()),
            None => {
                let han = fold_han(name);
                let len = if han.is_empty() {
                    0
                } else {
                    surname_syllables(&han)
                };
                (han, len)
            }
        };
        NameForms {
            han,
            surname_len,
            ..NameForms::default()
        }
    }

    /// Whether a Latin spelling is only the pinyin of the Han name, in either name order.
    fn repeats_pinyin(&self, latin: &str) -> bool {
        let mut words: Vec<String> = latin_words(latin);
        words.retain(|w| !w.is_empty());
        let typed: String = words.concat();
        !typed.is_empty() && self.spellings().iter().any(|(s, _)| *s == typed)
    }

    /// Every whole-name spelling of every reading, in both name orders, each with the index
    /// of its reading (0 for the surname reading).
    pub fn spellings(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for (i, reading) in self.readings.iter().enumerate() {
            let split = self.surname_len.min(reading.len());
            let (surname, given) = (reading[..split].concat(), reading[split..].concat());
            for s in [format!("{surname}{given}"), format!("{given}{surname}")] {
                if !out.iter().any(|(o, _)| *o == s) {
                    out.push((s, i));
                }
            }
        }
        out
    }

    /// The pinyin of the whole name run together, as typed (`zhangwei`, `lvran`).
    pub fn pinyin(&self) -> String {
        self.readings
            .first()
            .map(|r| r.concat())
            .unwrap_or_default()
    }

    /// The first letter of every syllable (`zw`).
    pub fn initials(&self) -> String {
        self.readings
            .first()
            .map(|r| initials_of(r))
            .unwrap_or_default()
    }

    /// Every folded whole-name string a typed query may equal exactly (`张伟`, `zhangwei`,
    /// `weizhang`, `johnsmith`, `smithjohn`).
    pub fn whole_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.han.is_empty() {
            out.push(self.han.clone());
            if let Some(reading) = self.readings.first() {
                let split = self.surname_len.min(reading.len());
                out.push(reading.concat());
                out.push(format!(
                    "{}{}",
                    reading[split..].concat(),
                    reading[..split].concat()
                ));
            }
        }
        for words in &self.latin {
            out.push(words.concat());
            if words.len() > 1 {
                out.push(words.iter().rev().map(String::as_str).collect());
            }
        }
        out
    }

    /// The keys the name is indexed under: every string a query must be a prefix of to find
    /// the guest. See [`guest_keys`].
    fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        if !self.han.is_empty() {
            let chars: Vec<char> = self.han.chars().collect();
            push_unique(&mut keys, truncated(&self.han));
            // The given name and its tail, so `伟` and `明` find 张伟 and 张小明. From the second
            // character even after a compound surname: 钟离明 may be 钟 Li Ming as well.
            for start in 1..chars.len() {
                push_unique(&mut keys, chars[start..].iter().collect());
            }
            for reading in &self.readings {
                push_unique(&mut keys, truncated(&reading.concat()));
                // Each part of a dotted name is a name of its own (`aili` finds 买买提·艾力).
                for &start in &self.part_starts {
                    push_unique(&mut keys, truncated(&reading[start..].concat()));
                }
            }
            for reading in &self.readings {
                let initials = initials_of(reading);
                if initials.chars().count() >= 2 {
                    push_unique(&mut keys, truncated(&initials));
                }
            }
        }
        for words in &self.latin {
            // Word suffixes of the whole name: any word, or a run of words in order, is a
            // prefix of one key; other orders are tried by the query.
            for start in 0..words.len() {
                push_unique(&mut keys, truncated(&words[start..].concat()));
            }
        }
        keys
    }
}

fn initials_of(reading: &[String]) -> String {
    reading.iter().filter_map(|s| s.chars().next()).collect()
}

/// Every search key of a guest: prefix-searchable strings, deduplicated.
///
/// Han names: the name, its given-name tails, the pinyin run together, the initials. Latin
/// names (and a `name_latin` that is not just the pinyin): the words from each word on, run
/// together. The local parts of e-mail addresses, in lower case.
pub fn guest_keys(name: &str, name_latin: Option<&str>, emails: &[String]) -> Vec<String> {
    let mut keys = NameForms::of(name, name_latin).keys();
    for email in emails {
        push_unique(&mut keys, email_key(email));
    }
    keys
}

/// An e-mail address is filed under its local part (`john.smith`): a query gives at least
/// that, and the domain would double the key for nothing (`gmail.com` finds no one).
pub fn email_key(email: &str) -> String {
    let email = email.trim().to_lowercase();
    truncated(email.split('@').next().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_name_keys_cover_han_pinyin_and_initials() {
        assert_eq!(
            guest_keys("张伟", Some("Zhang Wei"), &[]),
            ["张伟", "伟", "zhangwei", "zw"]
        );
        assert_eq!(
            guest_keys("张小明", Some("Xiaoming Zhang"), &[]),
            // 明 also reads méng (in old texts): every reading is a key.
            [
                "张小明",
                "小明",
                "明",
                "zhangxiaoming",
                "zhangxiaomeng",
                "zxm"
            ]
        );
    }

    fn readings(name: &str) -> Vec<String> {
        NameForms::of(name, None)
            .readings
            .iter()
            .map(|r| r.concat())
            .collect()
    }

    #[test]
    fn names_with_a_middle_dot_are_parts_without_a_surname() {
        for name in [
            "买买提·艾力",
            "买买提•艾力",
            "买买提・艾力",
            "买买提‧艾力",
            "买买提･艾力",
            "买买提．艾力",
        ] {
            assert_eq!(
                latin_from_han(name).as_deref(),
                Some("Maimaiti Aili"),
                "{name}"
            );
            let keys = guest_keys(name, None, &[]);
            for key in ["买买提艾力", "艾力", "maimaitiaili", "aili", "mmtal"] {
                assert!(keys.contains(&key.to_string()), "{name}: {key} in {keys:?}");
            }
            assert_eq!(NameForms::han_only(name).surname_len, 3, "{name}");
        }
        assert_eq!(
            latin_from_han("阿依古丽•买买提").as_deref(),
            Some("Ayiguli Maimaiti")
        );
        assert_eq!(
            latin_from_han("艾力・吐尔逊").as_deref(),
            Some("Aili Tuerxun")
        );
    }

    #[test]
    fn every_reading_of_a_surname_is_indexed_the_surname_reading_first() {
        assert_eq!(readings("都伟"), ["duwei", "douwei"]);
        assert_eq!(readings("盖明")[..2], ["geming", "gaiming"]);
        assert_eq!(readings("子车明")[0], "zijuming");
        assert_eq!(latin_from_han("子车明").as_deref(), Some("Ziju Ming"));
        assert_eq!(readings("单明")[0], "shanming");
        assert!(readings("单明").contains(&"danming".to_string()));
    }

    #[test]
    fn the_surname_table_reads_every_surname_of_pinyin_pro_as_it_lists_it() {
        // The table is generated from pinyin-pro's surname dictionary: each entry, followed
        // by a given name, reads as the entry says and is as long as it says.
        for (surname, reading) in crate::search::surnames::SURNAMES {
            let han = format!("{surname}明");
            let syllables = pinyin_syllables(&han);
            assert_eq!(&syllables[..reading.len()], *reading, "{surname}");
            assert_eq!(surname_syllables(&han), reading.len(), "{surname}");
        }
        assert!(crate::search::surnames::SURNAMES.len() >= 490);
        assert!(crate::search::surnames::SURNAMES
            .windows(2)
            .all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn given_name_characters_are_indexed_in_each_reading_bounded() {
        assert!(readings("王调").contains(&"wangdiao".to_string()));
        assert!(readings("王调").contains(&"wangtiao".to_string()));
        let lv = readings("张率");
        assert!(lv.contains(&"zhangshuai".to_string()), "{lv:?}");
        assert!(lv.contains(&"zhanglv".to_string()), "{lv:?}");
        // Five polyphonic characters have hundreds of combinations; a few are kept.
        assert_eq!(readings("单调率都盖").len(), MAX_READINGS);
    }

    #[test]
    fn a_compound_surname_still_keys_the_name_after_its_first_character() {
        let keys = guest_keys("钟离明", None, &[]);
        assert_eq!(keys[..3], ["钟离明", "离明", "明"]);
        assert_eq!(latin_from_han("钟离明").as_deref(), Some("Zhongli Ming"));
    }

    #[test]
    fn u_umlaut_is_typed_as_v_or_u() {
        assert_eq!(readings("吕然"), ["lvran", "luran"]);
        let keys = guest_keys("吕然", None, &[]);
        assert!(keys.contains(&"lvran".into()) && keys.contains(&"luran".into()));
        assert_eq!(latin_from_han("吕然").as_deref(), Some("Lü Ran"));
    }

    #[test]
    fn compatibility_forms_and_iteration_marks_fold() {
        assert_eq!(fold_han("佐々木"), "佐佐木");
        // U+F9F4 is a CJK compatibility ideograph for 林.
        assert_eq!(fold_han("\u{F9F4}明"), "林明");
        assert_eq!(guest_keys("佐々木", None, &[])[0], "佐佐木");
    }

    #[test]
    fn characters_outside_the_bmp_keep_their_keys_and_a_romanisation() {
        // 𠮷 (U+20BB7) has no reading in the pinyin tables: deunicode gives `ji`.
        let keys = guest_keys("𠮷田", None, &[]);
        assert_eq!(keys, ["𠮷田", "田", "jitian", "jt"]);
        assert_eq!(latin_from_han("𠮷田").as_deref(), Some("Ji Tian"));
        // 𪚥 (U+2A6A5) has one: zhé.
        assert_eq!(
            guest_keys("王𪚥", None, &[])[..3],
            ["王𪚥", "𪚥", "wangzhe"]
        );
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(fold_han("陳大文"), "陈大文");
        assert!(guest_keys("陳大文", None, &[]).contains(&"陈大文".to_string()));
    }

    #[test]
    fn polyphonic_surnames_read_as_surnames() {
        for (name, reading) in [
            ("曾志伟", "zengzhiwei"),
            ("单田芳", "shantianfang"),
            ("解晓东", "xiexiaodong"),
            ("仇英", "qiuying"),
            ("区家明", "oujiaming"),
            ("朴树", "piaoshu"),
            ("查良镛", "zhaliangyong"),
            ("盖丽丽", "gelili"),
            ("缪杰", "miaojie"),
            ("翟志刚", "zhaizhigang"),
            ("覃海洋", "qinhaiyang"),
            ("乐嘉", "yuejia"),
            ("尉迟恭", "yuchigong"),
            ("万俟雅", "moqiya"),
        ] {
            assert_eq!(
                pinyin_syllables(&fold_han(name)).concat(),
                reading,
                "{name}"
            );
        }
        assert!(guest_keys("尉迟恭", None, &[]).contains(&"ycg".to_string()));
    }

    #[test]
    fn generated_latin_name_reads_surname_first() {
        assert_eq!(latin_from_han("张小明").as_deref(), Some("Zhang Xiaoming"));
        assert_eq!(latin_from_han("欧阳娜娜").as_deref(), Some("Ouyang Nana"));
        assert_eq!(latin_from_han("John Smith"), None);
    }

    #[test]
    fn latin_names_fold_accents_apostrophes_and_umlauts() {
        let muller = guest_keys("Dr. Jürgen Müller", None, &[]);
        assert!(muller.contains(&"muller".into()) && muller.contains(&"mueller".into()));
        assert_eq!(
            guest_keys("Seán O'Brien", None, &[]),
            ["seanobrien", "obrien", "seanbrien", "brien"]
        );
        assert!(guest_keys("José Álvarez", None, &[]).contains(&"alvarez".into()));
        assert_eq!(
            guest_keys("Nguyễn Văn An", None, &[]),
            ["nguyenvanan", "vanan", "an"]
        );
    }

    #[test]
    fn cantonese_romanisation_is_kept_beside_the_pinyin() {
        let keys = guest_keys("陳大文", Some("Chan Tai Man"), &[]);
        assert!(keys.contains(&"chendawen".into()) && keys.contains(&"chantaiman".into()));
    }

    #[test]
    fn emoji_are_not_words() {
        assert!(latin_words("😀").is_empty());
        assert_eq!(fold_latin_word("Ünal😀"), "unal");
    }

    #[test]
    fn emails_are_keys() {
        let keys = guest_keys("A B", None, &["John.Smith@Example.com".into()]);
        assert!(keys.contains(&"john.smith".into()), "{keys:?}");
        assert_eq!(email_key(" Li.Na@qq.com"), "li.na");
    }
}
