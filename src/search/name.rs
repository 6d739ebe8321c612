//! Name search keys: Han characters (traditional folded to simplified), pinyin in full and as
//! initials with surname readings fixed, accent-folded Latin words, and e-mail addresses.

use pinyin::ToPinyin;

/// Longest key stored; a longer name still matches on its first characters.
pub const MAX_KEY_CHARS: usize = 40;

/// Two-character surnames, read as surnames, one syllable per character.
const COMPOUND_SURNAMES: &[(&str, [&str; 2])] = &[
    ("尉迟", ["yu", "chi"]),
    ("万俟", ["mo", "qi"]),
    ("欧阳", ["ou", "yang"]),
    ("司马", ["si", "ma"]),
    ("上官", ["shang", "guan"]),
    ("诸葛", ["zhu", "ge"]),
    ("东方", ["dong", "fang"]),
    ("皇甫", ["huang", "fu"]),
    ("令狐", ["ling", "hu"]),
    ("长孙", ["zhang", "sun"]),
    ("慕容", ["mu", "rong"]),
    ("司徒", ["si", "tu"]),
    ("夏侯", ["xia", "hou"]),
    ("公孙", ["gong", "sun"]),
    ("宇文", ["yu", "wen"]),
    ("澹台", ["tan", "tai"]),
    ("单于", ["chan", "yu"]),
    ("呼延", ["hu", "yan"]),
    ("端木", ["duan", "mu"]),
    ("南宫", ["nan", "gong"]),
    ("轩辕", ["xuan", "yuan"]),
];

/// Surnames whose everyday reading differs from the character's most common one.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('朴', "piao"),
    ('查', "zha"),
    ('盖', "ge"),
    ('缪', "miao"),
    ('翟', "zhai"),
    ('覃', "qin"),
    ('乐', "yue"),
    ('尉', "yu"),
    ('种', "chong"),
    ('秘', "bi"),
    ('句', "gou"),
    ('员', "yun"),
    ('召', "shao"),
    ('折', "she"),
    ('柏', "bai"),
    ('薄', "bo"),
    ('繁', "po"),
    ('任', "ren"),
    ('华', "hua"),
    ('纪', "ji"),
    ('沈', "shen"),
    ('重', "chong"),
    ('长', "chang"),
    ('员', "yun"),
    ('阚', "kan"),
    ('隗', "wei"),
    ('蔺', "lin"),
    ('卜', "bu"),
    ('藏', "zang"),
    ('祭', "zhai"),
    ('莘', "shen"),
];

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF)
}

/// Traditional characters folded to simplified (陳大文 -> 陈大文), Han characters only.
pub fn fold_han(s: &str) -> String {
    fast2s::convert(s).chars().filter(|c| is_han(*c)).collect()
}

/// Pinyin syllables of a (simplified) Han name, surname read as a surname.
pub fn pinyin_syllables(han: &str) -> Vec<String> {
    let mut syllables = Vec::new();
    let mut rest = han;
    if let Some((compound, reading)) = COMPOUND_SURNAMES.iter().find(|(c, _)| han.starts_with(c)) {
        syllables.extend(reading.iter().map(|s| s.to_string()));
        rest = &han[compound.len()..];
    } else if let Some(first) = han.chars().next() {
        if let Some((_, reading)) = SURNAME_READINGS.iter().find(|(c, _)| *c == first) {
            syllables.push(reading.to_string());
            rest = &han[first.len_utf8()..];
        }
    }
    syllables.extend(rest.to_pinyin().flatten().map(|p| p.plain().to_string()));
    syllables
}

/// The romanized form for a Han name (`张小明` -> `Zhang Xiaoming`), or None if it has no Han.
pub fn latin_from_han(name: &str) -> Option<String> {
    let han = fold_han(name);
    if han.is_empty() {
        return None;
    }
    let syllables = pinyin_syllables(&han);
    let surname_len = surname_syllables(&han);
    let cap = |s: String| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    let surname = cap(syllables[..surname_len.min(syllables.len())].concat());
    let given = cap(syllables[surname_len.min(syllables.len())..].concat());
    Some(if given.is_empty() {
        surname
    } else {
        format!("{surname} {given}")
    })
}

/// How many syllables the surname takes.
fn surname_syllables(han: &str) -> usize {
    if COMPOUND_SURNAMES.iter().any(|(c, _)| han.starts_with(c)) {
        2
    } else {
        1
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
/// (surname first), and the Latin word lists of every variant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameForms {
    pub han: String,
    pub syllables: Vec<String>,
    /// How many syllables (and Han characters) the surname takes.
    pub surname_len: usize,
    pub latin: Vec<Vec<String>>,
}

impl NameForms {
    /// `name_latin` counts only when it says something the pinyin does not: `Zhang Wei`,
    /// `ZHANG WEI` and `Wei Zhang` all repeat 张伟's pinyin.
    pub fn of(name: &str, name_latin: Option<&str>) -> NameForms {
        let han = fold_han(name);
        let syllables = if han.is_empty() {
            Vec::new()
        } else {
            pinyin_syllables(&han)
        };
        let surname_len = if han.is_empty() {
            0
        } else {
            surname_syllables(&han)
        };
        let mut forms = NameForms {
            han,
            syllables,
            surname_len,
            latin: Vec::new(),
        };
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

    /// Only the Han name and how long its surname is: all a query in Han is compared with.
    pub fn han_only(name: &str) -> NameForms {
        let han = fold_han(name);
        let surname_len = if han.is_empty() {
            0
        } else {
            surname_syllables(&han)
        };
        NameForms {
            han,
            surname_len,
            ..NameForms::default()
        }
    }

    /// Whether a Latin spelling is only the pinyin of the Han name, in either name order.
    fn repeats_pinyin(&self, latin: &str) -> bool {
        if self.syllables.is_empty() {
            return false;
        }
        let split = self.surname_len.min(self.syllables.len());
        let surname = self.syllables[..split].concat();
        let given = self.syllables[split..].concat();
        let mut words: Vec<String> = latin_words(latin);
        words.retain(|w| !w.is_empty());
        let typed: String = words.concat();
        typed == format!("{surname}{given}") || typed == format!("{given}{surname}")
    }

    /// The pinyin of the whole name run together (`zhangwei`).
    pub fn pinyin(&self) -> String {
        self.syllables.concat()
    }

    /// The first letter of every syllable (`zw`).
    pub fn initials(&self) -> String {
        self.syllables
            .iter()
            .filter_map(|s| s.chars().next())
            .collect()
    }

    /// Every folded whole-name string a typed query may equal exactly (`张伟`, `zhangwei`,
    /// `weizhang`, `johnsmith`, `smithjohn`).
    pub fn whole_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.han.is_empty() {
            out.push(self.han.clone());
            let split = self.surname_len.min(self.syllables.len());
            out.push(self.pinyin());
            out.push(format!(
                "{}{}",
                self.syllables[split..].concat(),
                self.syllables[..split].concat()
            ));
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
            // The given name and its tail, so `伟` and `明` find 张伟 and 张小明.
            for start in self.surname_len.max(1)..chars.len() {
                push_unique(&mut keys, chars[start..].iter().collect());
            }
            push_unique(&mut keys, truncated(&self.pinyin()));
            let initials = self.initials();
            if initials.chars().count() >= 2 {
                push_unique(&mut keys, truncated(&initials));
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
            ["张小明", "小明", "明", "zhangxiaoming", "zxm"]
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
