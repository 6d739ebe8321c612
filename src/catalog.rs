//! The preference catalogue: categories, their one-letter keys, options and labels (en, zh-CN).
//!
//! Each category has a letter and each option a digit (1–9 on the first page, then further
//! pages), so a preference is recorded in three keys: `p` (record), the category letter, the
//! option digit. Hotels add categories and options in the config file.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};
use crate::model::Department;

/// How a category's values are chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// One of a list of options.
    Options(Vec<Choice>),
    /// A whole number within a range, e.g. room temperature in °C.
    Numeric { min: i32, max: i32, unit: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub key: String,
    pub en: String,
    pub zh: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub key: String,
    pub letter: char,
    pub en: String,
    pub zh: String,
    pub values: Values,
    /// Who prepares for it: the VIP sheet lists the category in this department's list.
    pub department: Department,
}

/// Options per page of digits 1–9.
pub const PAGE_SIZE: usize = 9;

impl Category {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    pub fn choices(&self) -> &[Choice] {
        match &self.values {
            Values::Options(choices) => choices,
            Values::Numeric { .. } => &[],
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self.values, Values::Numeric { .. })
    }

    /// How many pages of nine options the category has (at least one).
    pub fn pages(&self) -> usize {
        self.choices().len().div_ceil(PAGE_SIZE).max(1)
    }

    /// The option under `digit` (1–9) on `page` (0-based).
    pub fn choice_at(&self, page: usize, digit: u32) -> Option<&Choice> {
        let digit = digit as usize;
        if !(1..=PAGE_SIZE).contains(&digit) {
            return None;
        }
        self.choices().get(page * PAGE_SIZE + digit - 1)
    }

    /// Checks a value for this category and returns its canonical key.
    pub fn validate(&self, value: &str) -> Result<String, String> {
        let value = value.trim();
        match &self.values {
            Values::Options(choices) => choices
                .iter()
                .find(|c| c.key.eq_ignore_ascii_case(value))
                .map(|c| c.key.clone())
                .ok_or_else(|| {
                    let keys: Vec<&str> = choices.iter().map(|c| c.key.as_str()).collect();
                    Msg::UnknownOption.fill(&[
                        ("category", &self.key),
                        ("value", &value),
                        ("keys", &keys.join(", ")),
                    ])
                }),
            Values::Numeric { min, max, unit } => match value.parse::<i32>() {
                Ok(n) if (*min..=*max).contains(&n) => Ok(n.to_string()),
                _ => Err(Msg::NumberOutOfRange.fill(&[
                    ("category", &self.key),
                    ("min", min),
                    ("max", max),
                    ("unit", unit),
                    ("value", &value),
                ])),
            },
        }
    }

    /// The label of a stored value in the given language (`buckwheat` -> 荞麦枕, `22` -> 22 °C).
    pub fn value_label(&self, value: &str, lang: Lang) -> String {
        match &self.values {
            Values::Options(choices) => choices
                .iter()
                .find(|c| c.key == value)
                .map(|c| c.label(lang).to_string())
                .unwrap_or_else(|| value.to_string()),
            Values::Numeric { unit, .. } => format!("{value} {unit}"),
        }
    }
}

impl Choice {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// All categories the hotel records.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub categories: Vec<Category>,
}

/// A category or options a hotel adds in its config file (`[[catalog]]`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    pub key: String,
    pub letter: Option<char>,
    pub en: Option<String>,
    pub zh: Option<String>,
    #[serde(default)]
    pub options: Vec<ChoiceConfig>,
    pub min: Option<i32>,
    pub max: Option<i32>,
    pub unit: Option<String>,
    /// The department that prepares it (default for a new category: front office). Given
    /// for an existing category, moves it (e.g. `room_temp` to engineering).
    pub department: Option<Department>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceConfig {
    pub key: String,
    pub en: String,
    pub zh: Option<String>,
}

impl Catalog {
    /// The built-in catalogue.
    pub fn builtin() -> Catalog {
        Catalog {
            categories: BUILTIN.iter().map(builtin_category).collect(),
        }
    }

    /// The built-in catalogue with the hotel's additions: new options extend an existing
    /// category, a new key adds a category.
    pub fn with_additions(additions: &[CategoryConfig]) -> Result<Catalog, String> {
        let mut catalog = Catalog::builtin();
        for add in additions {
            catalog.add(add)?;
        }
        Ok(catalog)
    }

    fn add(&mut self, add: &CategoryConfig) -> Result<(), String> {
        let choices = add.options.iter().map(|o| Choice {
            key: o.key.clone(),
            en: o.en.clone(),
            zh: o.zh.clone().unwrap_or_else(|| o.en.clone()),
        });
        if let Some(existing) = self.categories.iter_mut().find(|c| c.key == add.key) {
            if let Some(department) = add.department {
                existing.department = department;
            }
            if add.options.is_empty() {
                return Ok(());
            }
            let Values::Options(list) = &mut existing.values else {
                return Err(Msg::CategoryIsNumeric.fill(&[("category", &add.key)]));
            };
            for choice in choices {
                if list.iter().any(|c| c.key == choice.key) {
                    return Err(
                        Msg::OptionExists.fill(&[("option", &choice.key), ("category", &add.key)])
                    );
                }
                list.push(choice);
            }
            return Ok(());
        }
        let letter = add
            .letter
            .ok_or_else(|| Msg::CategoryNeedsLetter.fill(&[("category", &add.key)]))?
            .to_ascii_lowercase();
        if let Some(taken) = self.by_letter(letter) {
            return Err(Msg::LetterTaken.fill(&[
                ("letter", &letter),
                ("category", &add.key),
                ("taken", &taken.key),
            ]));
        }
        let values = match (add.min, add.max) {
            (Some(min), Some(max)) if add.options.is_empty() && min <= max => Values::Numeric {
                min,
                max,
                unit: add.unit.clone().unwrap_or_default(),
            },
            (None, None) if !add.options.is_empty() => Values::Options(choices.collect()),
            _ => return Err(Msg::CategoryNeedsValues.fill(&[("category", &add.key)])),
        };
        let en = add.en.clone().unwrap_or_else(|| add.key.clone());
        self.categories.push(Category {
            key: add.key.clone(),
            letter,
            zh: add.zh.clone().unwrap_or_else(|| en.clone()),
            en,
            values,
            department: add.department.unwrap_or(Department::FrontOffice),
        });
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(key.trim()))
    }

    pub fn by_letter(&self, letter: char) -> Option<&Category> {
        let letter = letter.to_ascii_lowercase();
        self.categories.iter().find(|c| c.letter == letter)
    }

    /// Checks a category and value; returns the canonical (category, value) keys.
    pub fn validate(&self, category: &str, value: &str) -> Result<(String, String), String> {
        let cat = self.get(category).ok_or_else(|| {
            let keys: Vec<&str> = self.categories.iter().map(|c| c.key.as_str()).collect();
            Msg::UnknownCategory.fill(&[("category", &category.trim()), ("keys", &keys.join(", "))])
        })?;
        Ok((cat.key.clone(), cat.validate(value)?))
    }

    /// Which field a refusal of [`Catalog::validate`] is about: `value` when the category
    /// exists (so the option or number was wrong), else `category`.
    pub fn field_at_fault(&self, category: &str) -> &'static str {
        if self.get(category).is_some() {
            "value"
        } else {
            "category"
        }
    }

    /// `荞麦枕` for (`pillow`, `buckwheat`); unknown keys are shown as they are.
    pub fn value_label(&self, category: &str, value: &str, lang: Lang) -> String {
        match self.get(category) {
            Some(cat) => cat.value_label(value, lang),
            None => value.to_string(),
        }
    }

    /// Where a category stands in the catalogue: the board lists preferences in this order.
    pub fn position(&self, category: &str) -> usize {
        self.categories
            .iter()
            .position(|c| c.key == category)
            .unwrap_or(usize::MAX)
    }

    /// A value as one short item of a list, refusals marked (`✗ Sour food` for a food taboo),
    /// so "sour" reads as disliked, not liked.
    pub fn value_item(&self, category: &str, value: &str, lang: Lang) -> String {
        let label = self.value_label(category, value, lang);
        if REFUSALS.contains(&category) {
            format!("✗{label}")
        } else {
            label
        }
    }

    pub fn category_label<'a>(&'a self, category: &'a str, lang: Lang) -> &'a str {
        self.get(category).map_or(category, |c| c.label(lang))
    }
}

/// Categories whose values are what a guest refuses.
const REFUSALS: &[&str] = &["food_taboo"];

type Opt = (&'static str, &'static str, &'static str);

enum Builtin {
    Options(&'static [Opt]),
    Numeric(i32, i32, &'static str),
}

/// The department that prepares a built-in category (the VIP sheet's lists): the room's
/// comfort is housekeeping's, food and drink F&B's, the TV engineering's, the rest the
/// front office's (concierge, GRO).
fn builtin_department(key: &str) -> Department {
    match key {
        "pillow" | "room_temp" | "bed" | "toiletries" | "amenity" | "lighting" | "bath_temp" => {
            Department::Housekeeping
        }
        "tea" | "coffee" | "food_taboo" | "diet" | "food_like" | "minibar" => Department::Fnb,
        "tv_channel" => Department::Engineering,
        _ => Department::FrontOffice,
    }
}

fn builtin_category((key, letter, en, zh, values): &(&str, char, &str, &str, Builtin)) -> Category {
    Category {
        department: builtin_department(key),
        key: key.to_string(),
        letter: *letter,
        en: en.to_string(),
        zh: zh.to_string(),
        values: match values {
            Builtin::Options(opts) => Values::Options(
                opts.iter()
                    .map(|(k, en, zh)| Choice {
                        key: k.to_string(),
                        en: en.to_string(),
                        zh: zh.to_string(),
                    })
                    .collect(),
            ),
            Builtin::Numeric(min, max, unit) => Values::Numeric {
                min: *min,
                max: *max,
                unit: unit.to_string(),
            },
        },
    }
}

/// The order here is the order of the popup and of the letters' help.
const BUILTIN: &[(&str, char, &str, &str, Builtin)] = &[
    (
        "pillow",
        'p',
        "Pillow",
        "枕头",
        Builtin::Options(&[
            ("buckwheat", "Buckwheat", "荞麦枕"),
            ("foam", "Foam", "海绵枕"),
            ("memory_foam", "Memory foam", "记忆棉枕"),
            ("down", "Down", "羽绒枕"),
            ("feather", "Feather", "羽毛枕"),
            ("latex", "Latex", "乳胶枕"),
            ("low", "Low pillow", "低枕"),
            ("high", "High pillow", "高枕"),
            ("extra_pillow", "Extra pillow", "加枕头"),
        ]),
    ),
    (
        "tea",
        't',
        "Tea",
        "茶",
        Builtin::Options(&[
            ("longjing", "Longjing", "龙井"),
            ("puer", "Pu'er", "普洱"),
            ("jasmine", "Jasmine", "茉莉花茶"),
            ("tieguanyin", "Tieguanyin", "铁观音"),
            ("oolong", "Oolong", "乌龙茶"),
            ("black", "Black tea", "红茶"),
            ("green", "Green tea", "绿茶"),
            ("none", "No tea", "不喝茶"),
        ]),
    ),
    (
        "coffee",
        'c',
        "Coffee",
        "咖啡",
        Builtin::Options(&[
            ("espresso", "Espresso", "意式浓缩"),
            ("americano", "Americano", "美式咖啡"),
            ("latte", "Latte", "拿铁"),
            ("cappuccino", "Cappuccino", "卡布奇诺"),
            ("flat_white", "Flat white", "馥芮白"),
            ("decaf", "Decaf", "低因咖啡"),
            ("black", "Black, no sugar", "黑咖啡不加糖"),
            ("none", "No coffee", "不喝咖啡"),
        ]),
    ),
    (
        "room_temp",
        'r',
        "Room temperature",
        "室温",
        Builtin::Numeric(16, 30, "°C"),
    ),
    (
        "food_taboo",
        'f',
        "Food taboo",
        "忌口",
        Builtin::Options(&[
            ("pork", "Pork", "猪肉"),
            ("beef", "Beef", "牛肉"),
            ("seafood", "Seafood", "海鲜"),
            ("shellfish", "Shellfish", "贝类"),
            ("peanuts", "Peanuts", "花生"),
            ("gluten", "Gluten", "麸质"),
            ("dairy", "Dairy", "乳制品"),
            ("coriander", "Coriander", "香菜"),
            ("spicy", "Spicy food", "辣"),
            ("sour", "Sour food", "酸"),
            ("alcohol", "Alcohol", "酒精"),
        ]),
    ),
    (
        "diet",
        'd',
        "Diet",
        "饮食",
        Builtin::Options(&[
            ("vegetarian", "Vegetarian", "素食"),
            ("vegan", "Vegan", "纯素"),
            ("halal", "Halal", "清真"),
            ("kosher", "Kosher", "犹太洁食"),
            ("low_salt", "Low salt", "少盐"),
            ("low_sugar", "Low sugar", "少糖"),
            ("low_fat", "Low fat", "低脂"),
            ("diabetic", "Diabetic", "糖尿病餐"),
            ("gluten_free", "Gluten free", "无麸质"),
        ]),
    ),
    (
        "food_like",
        'e',
        "Likes to eat",
        "喜好菜品",
        Builtin::Options(&[
            ("noodles", "Noodles", "面条"),
            ("dumplings", "Dumplings", "饺子"),
            ("congee", "Congee", "粥"),
            ("dim_sum", "Dim sum", "点心"),
            ("rice", "Rice", "米饭"),
            ("spicy", "Spicy food", "辣味"),
            ("western_breakfast", "Western breakfast", "西式早餐"),
            ("fruit_plate", "Fruit plate", "水果盘"),
            ("vegetables", "Vegetables", "蔬菜"),
        ]),
    ),
    (
        "bed",
        'b',
        "Bed",
        "床",
        Builtin::Options(&[
            ("king", "King bed", "大床"),
            ("queen", "Queen bed", "中床"),
            ("twin", "Twin beds", "双床"),
            ("firm_mattress", "Firm mattress", "硬床垫"),
            ("soft_mattress", "Soft mattress", "软床垫"),
            ("extra_bed", "Extra bed", "加床"),
            ("baby_cot", "Baby cot", "婴儿床"),
            ("hypoallergenic", "Hypoallergenic bedding", "防过敏床品"),
        ]),
    ),
    (
        "room_location",
        'o',
        "Room location",
        "房间位置",
        Builtin::Options(&[
            ("high_floor", "High floor", "高楼层"),
            ("low_floor", "Low floor", "低楼层"),
            ("quiet", "Quiet room", "安静房间"),
            ("away_from_lift", "Away from lift", "远离电梯"),
            ("near_lift", "Near lift", "靠近电梯"),
            ("non_smoking", "Non-smoking", "无烟房"),
            ("smoking", "Smoking", "吸烟房"),
            ("city_view", "City view", "城景"),
            ("river_view", "River view", "江景"),
        ]),
    ),
    (
        "newspaper",
        'n',
        "Newspaper",
        "报纸",
        Builtin::Options(&[
            ("china_daily", "China Daily", "中国日报"),
            ("peoples_daily", "People's Daily", "人民日报"),
            ("scmp", "South China Morning Post", "南华早报"),
            ("financial_times", "Financial Times", "金融时报"),
            ("wsj", "Wall Street Journal", "华尔街日报"),
            ("nikkei", "Nikkei", "日本经济新闻"),
            ("global_times", "Global Times", "环球时报"),
            ("none", "No newspaper", "不要报纸"),
        ]),
    ),
    (
        "toiletries",
        's',
        "Toiletries",
        "洗漱用品",
        Builtin::Options(&[
            ("own_brand", "Brings own", "自带洗漱用品"),
            ("hypoallergenic", "Hypoallergenic", "防过敏"),
            ("fragrance_free", "Fragrance free", "无香型"),
            ("razor_kit", "Razor kit", "剃须包"),
            ("dental_kit", "Dental kit", "牙具"),
            ("extra_towels", "Extra towels", "加毛巾"),
            ("bathrobe", "Bathrobe", "浴袍"),
            ("slippers", "Slippers", "拖鞋"),
        ]),
    ),
    (
        "tv_channel",
        'v',
        "TV channel",
        "电视频道",
        Builtin::Options(&[
            ("cctv1", "CCTV-1", "央视综合"),
            ("cctv13", "CCTV-13 News", "央视新闻"),
            ("cctv5", "CCTV-5 Sports", "央视体育"),
            ("phoenix", "Phoenix TV", "凤凰卫视"),
            ("bbc_world", "BBC World", "BBC世界"),
            ("cnn", "CNN", "CNN"),
            ("nhk_world", "NHK World", "NHK"),
            ("kbs_world", "KBS World", "KBS"),
            ("hbo", "HBO", "HBO"),
        ]),
    ),
    (
        "lighting",
        'l',
        "Lighting",
        "灯光",
        Builtin::Options(&[
            ("bright", "Bright", "明亮"),
            ("dim", "Dim", "柔和"),
            ("night_light", "Night light on", "留夜灯"),
            (
                "blackout_curtains",
                "Blackout curtains closed",
                "遮光帘拉上",
            ),
            ("curtains_open", "Curtains open", "窗帘打开"),
        ]),
    ),
    (
        "bath_temp",
        'h',
        "Bath temperature",
        "洗澡水温",
        Builtin::Numeric(35, 45, "°C"),
    ),
    (
        "wake_up",
        'w',
        "Wake-up call",
        "叫醒服务",
        Builtin::Options(&[
            ("0600", "06:00", "06:00"),
            ("0630", "06:30", "06:30"),
            ("0700", "07:00", "07:00"),
            ("0730", "07:30", "07:30"),
            ("0800", "08:00", "08:00"),
            ("0830", "08:30", "08:30"),
            ("0900", "09:00", "09:00"),
            ("none", "No wake-up call", "不需要叫醒"),
        ]),
    ),
    (
        "minibar",
        'm',
        "Minibar",
        "迷你吧",
        Builtin::Options(&[
            ("empty", "Emptied", "清空"),
            ("no_alcohol", "No alcohol", "不放酒"),
            ("soft_drinks", "Soft drinks", "软饮"),
            ("local_beer", "Local beer", "本地啤酒"),
            ("wine", "Wine", "葡萄酒"),
            ("snacks", "Snacks", "零食"),
            ("fruit", "Fruit", "水果"),
            ("refill_daily", "Refill daily", "每日补充"),
        ]),
    ),
    (
        "celebration",
        'a',
        "Celebration",
        "纪念日",
        Builtin::Options(&[
            ("birthday", "Birthday", "生日"),
            ("anniversary", "Anniversary", "周年纪念"),
            ("honeymoon", "Honeymoon", "蜜月"),
            ("graduation", "Graduation", "毕业"),
            ("promotion", "Promotion", "升职"),
        ]),
    ),
    (
        "amenity",
        'i',
        "In-room amenity",
        "客房用品",
        Builtin::Options(&[
            ("large_water_cup", "Large water cup", "大水杯"),
            ("kettle", "Kettle", "电水壶"),
            ("humidifier", "Humidifier", "加湿器"),
            ("yoga_mat", "Yoga mat", "瑜伽垫"),
            ("iron", "Iron", "熨斗"),
            ("extra_hangers", "Extra hangers", "加衣架"),
            ("pet_bed", "Pet bed", "宠物床"),
            ("baby_bath", "Baby bath", "婴儿浴盆"),
        ]),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_keys_are_unique() {
        let cat = Catalog::builtin();
        for (i, a) in cat.categories.iter().enumerate() {
            for b in &cat.categories[i + 1..] {
                assert_ne!(a.letter, b.letter, "{} and {}", a.key, b.key);
                assert_ne!(a.key, b.key);
            }
        }
    }

    #[test]
    fn three_keys_record_buckwheat_pillow() {
        let cat = Catalog::builtin();
        let pillow = cat.by_letter('p').unwrap();
        assert_eq!(pillow.choice_at(0, 1).unwrap().key, "buckwheat");
        assert_eq!(pillow.choice_at(0, 1).unwrap().zh, "荞麦枕");
    }

    #[test]
    fn food_taboo_spills_onto_a_second_page() {
        let taboo = Catalog::builtin().get("food_taboo").unwrap().clone();
        assert_eq!(taboo.pages(), 2);
        assert_eq!(taboo.choice_at(1, 2).unwrap().key, "alcohol");
    }

    #[test]
    fn numeric_category_checks_range() {
        let cat = Catalog::builtin();
        assert_eq!(
            cat.validate("room_temp", " 22 "),
            Ok(("room_temp".into(), "22".into()))
        );
        assert!(cat
            .validate("room_temp", "31")
            .unwrap_err()
            .contains("16 to 30"));
        assert!(cat
            .validate("pillow", "granite")
            .unwrap_err()
            .contains("buckwheat"));
        assert!(cat
            .validate("mood", "x")
            .unwrap_err()
            .contains("unknown preference category"));
    }

    #[test]
    fn hotel_adds_options_and_categories() {
        let extra = vec![
            CategoryConfig {
                key: "pillow".into(),
                letter: None,
                en: None,
                zh: None,
                options: vec![ChoiceConfig {
                    key: "silk".into(),
                    en: "Silk".into(),
                    zh: Some("蚕丝枕".into()),
                }],
                min: None,
                max: None,
                unit: None,
                department: None,
            },
            CategoryConfig {
                key: "flowers".into(),
                letter: Some('k'),
                en: Some("Flowers".into()),
                zh: Some("鲜花".into()),
                options: vec![ChoiceConfig {
                    key: "lily".into(),
                    en: "Lily".into(),
                    zh: None,
                }],
                min: None,
                max: None,
                unit: None,
                department: Some(Department::Engineering),
            },
            CategoryConfig {
                key: "room_temp".into(),
                letter: None,
                en: None,
                zh: None,
                options: Vec::new(),
                min: None,
                max: None,
                unit: None,
                department: Some(Department::Engineering),
            },
        ];
        let cat = Catalog::with_additions(&extra).unwrap();
        assert_eq!(cat.get("pillow").unwrap().pages(), 2);
        assert_eq!(cat.by_letter('k').unwrap().key, "flowers");
        // A new category goes to the department the hotel names; a built-in one can move.
        assert_eq!(
            cat.get("flowers").unwrap().department,
            Department::Engineering
        );
        assert_eq!(
            cat.get("room_temp").unwrap().department,
            Department::Engineering
        );
        assert_eq!(
            cat.get("pillow").unwrap().department,
            Department::Housekeeping
        );
        assert_eq!(cat.get("tea").unwrap().department, Department::Fnb);
        let clash = vec![CategoryConfig {
            letter: Some('p'),
            key: "x".into(),
            ..extra[1].clone()
        }];
        assert!(Catalog::with_additions(&clash)
            .unwrap_err()
            .contains("already used"));
    }
}
