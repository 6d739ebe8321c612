//! The message catalogue: every user-facing sentence in English and Simplified Chinese.
//!
//! Messages are an enum, so a missing translation is a compile error, not a blank screen.
//! Placeholders are written `{name}` and filled with [`Msg::fill`].

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh_CN.UTF-8` -> Chinese; anything else -> English.
    pub fn parse(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// From the locale environment (`LC_ALL`, `LC_MESSAGES`, `LANG`), English by default.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .map_or(Lang::En, |v| Lang::parse(&v))
    }
}

/// Why a file could not be read or written, as one clause in the user's language (the
/// system's own text is English only); an unusual error keeps its number for the admin.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let msg = match e.kind() {
        K::NotFound => Msg::IoMissing,
        K::PermissionDenied => Msg::IoDenied,
        K::IsADirectory => Msg::IoIsFolder,
        K::NotADirectory => Msg::IoNotFolder,
        K::AlreadyExists => Msg::IoExists,
        K::StorageFull | K::QuotaExceeded => Msg::IoDiskFull,
        K::ReadOnlyFilesystem => Msg::IoReadOnly,
        _ => {
            let code = e
                .raw_os_error()
                .map_or_else(|| format!("{:?}", e.kind()), |c| c.to_string());
            return Msg::IoOther.fill(&[("code", &code)]);
        }
    };
    msg.text().to_string()
}

/// Text safe to print to a terminal: every control character (C0, DEL, C1) written as a
/// visible escape (`\x1B`), so guest text cannot move the cursor, clear the screen or set the
/// clipboard; `keep_lines` leaves line breaks and tabs of multi-line text as they are.
pub fn printable(text: &str, keep_lines: bool) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| c.is_control() && !(keep_lines && matches!(c, '\n' | '\t'));
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.push_str(&format!("\\x{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Sets the process-wide language once, at start-up.
pub fn set_lang(lang: Lang) {
    let _ = CURRENT.set(lang);
}

/// The process-wide language as a language tag (`en`, `zh-CN`), for `Accept-Language`.
pub fn lang_tag() -> &'static str {
    match lang() {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    }
}

/// The process-wide language (English until set).
pub fn lang() -> Lang {
    *CURRENT.get().unwrap_or(&Lang::En)
}

macro_rules! messages {
    ($($name:ident => $en:literal, $zh:literal;)+) => {
        /// A user-facing message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name),+ }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name),+];

            pub fn text_in(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$name, Lang::En) => $en, (Msg::$name, Lang::Zh) => $zh,)+
                }
            }
        }
    };
}

impl Msg {
    /// The message in the process-wide language.
    pub fn text(self) -> &'static str {
        self.text_in(lang())
    }

    /// The message with `{name}` placeholders filled, in the process-wide language.
    pub fn fill(self, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        self.fill_in(lang(), args)
    }

    /// Values are shown with control characters escaped: they often come from a file or a
    /// profile, and an `ESC` in them must not reach the terminal.
    pub fn fill_in(self, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut out = self.text_in(lang).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &printable(&value.to_string(), true));
        }
        out
    }
}

/// A moment as users read times everywhere: in this terminal's local time zone
/// (`2026-06-15 22:10:05`), not in UTC.
pub fn local_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// `label: value` as each language writes it (`称呼：陆总`, `Greet as: Mr. Lu`).
pub fn labelled(lang: Lang, label: &str, value: &str) -> String {
    match lang {
        Lang::En => format!("{label}: {value}"),
        Lang::Zh => format!("{label}：{value}"),
    }
}

/// A profile flag as staff call it (`DO NOT RENT`, `已故`).
pub fn flag_label(flag: crate::model::Flag, lang: Lang) -> &'static str {
    use crate::model::Flag;
    match flag {
        Flag::DoNotRent => Msg::AlertDoNotRent,
        Flag::NoMarketing => Msg::TuiFlagNoMarketing,
        Flag::Deceased => Msg::TuiFlagDeceased,
        Flag::EraseRequested => Msg::TuiFlagEraseRequested,
        Flag::LegalHold => Msg::FlagLegalHold,
    }
    .text_in(lang)
}

/// An audit entry's action (`preference_add`) as staff read it (`记录偏好`); a code this
/// version does not know (written by a newer one) is shown as it is.
pub fn audit_action_label(action: &str, lang: Lang) -> &str {
    let msg = match action {
        "add" => Msg::AuditAdd,
        "edit" => Msg::AuditEdit,
        "preference_add" => Msg::AuditPreferenceAdd,
        "preference_note" => Msg::AuditPreferenceNote,
        "preference_retire" => Msg::AuditPreferenceRetire,
        "feedback_add" => Msg::AuditFeedbackAdd,
        "feedback_resolve" => Msg::AuditFeedbackResolve,
        "merge" => Msg::AuditMerge,
        "dupes_never" => Msg::AuditDupesNever,
        "erase" => Msg::AuditErase,
        "purge" => Msg::AuditPurge,
        "reveal" => Msg::AuditReveal,
        "export_guest" => Msg::AuditExportGuest,
        "export" => Msg::AuditExport,
        "import" => Msg::AuditImport,
        "report_vip" => Msg::AuditReportVip,
        "backup" => Msg::AuditBackup,
        "restore" => Msg::AuditRestore,
        "sample_shift" => Msg::AuditSampleShift,
        "settings" => Msg::AuditSettings,
        "user_add" => Msg::AuditUserAdd,
        "user_change" => Msg::AuditUserChange,
        "login" => Msg::AuditLogin,
        "login_failed" => Msg::AuditLoginFailed,
        _ => return action,
    };
    msg.text_in(lang)
}

/// Why two profiles look like one person, as staff read it, strongest first, joined.
pub fn dupe_reasons(reasons: &[crate::model::DupeReason], lang: Lang) -> String {
    use crate::model::DupeReason as R;
    let texts: Vec<&str> = reasons
        .iter()
        .map(|r| match r {
            R::IdDocument => Msg::DupeIdDocument,
            R::Phone => Msg::DupePhone,
            R::Email => Msg::DupeEmail,
            R::NameBirthDate => Msg::DupeNameBirthDate,
            R::NameLastFour => Msg::DupeNameLastFour,
        })
        .map(|m| m.text_in(lang))
        .collect();
    texts.join(match lang {
        Lang::En => ", ",
        Lang::Zh => "、",
    })
}

/// A department as staff call it, in `lang` (`餐饮部` for F&B).
pub fn department_label(department: crate::model::Department, lang: Lang) -> &'static str {
    use crate::model::Department;
    match department {
        Department::FrontOffice => Msg::TuiSourceFrontOffice,
        Department::Housekeeping => Msg::TuiSourceHousekeeping,
        Department::Fnb => Msg::TuiSourceFnb,
        Department::Engineering => Msg::DeptEngineering,
        Department::Security => Msg::DeptSecurity,
    }
    .text_in(lang)
}

/// A role as staff call it, in `lang` (`客房部` for housekeeping).
pub fn role_label(role: crate::model::Role, lang: Lang) -> &'static str {
    use crate::model::Role;
    match role {
        Role::Agent => Msg::TuiRoleAgent,
        Role::Housekeeping => Msg::TuiRoleHousekeeping,
        Role::FrontOffice => Msg::TuiRoleFrontOffice,
        Role::Manager => Msg::TuiRoleManager,
        Role::Admin => Msg::TuiRoleAdmin,
    }
    .text_in(lang)
}

impl crate::model::Problem {
    /// The reason as a phrase in `lang`.
    pub fn text_in(&self, lang: Lang) -> String {
        use crate::model::Problem as P;
        match self {
            P::Required => Msg::ProbRequired.text_in(lang).into(),
            P::TooLong { max } => Msg::ProbTooLong.fill_in(lang, &[("max", max)]),
            P::OutOfRange { min, max } => {
                Msg::ProbOutOfRange.fill_in(lang, &[("min", min), ("max", max)])
            }
            P::NotOneOf { value, choices } => {
                Msg::ProbNotOneOf.fill_in(lang, &[("value", value), ("choices", choices)])
            }
            P::BadPhone { value } => Msg::ProbBadPhone.fill_in(lang, &[("value", value)]),
            P::BadDate { value } => Msg::ProbBadDate.fill_in(lang, &[("value", value)]),
            P::BadEmail { value } => Msg::ProbBadEmail.fill_in(lang, &[("value", value)]),
            P::MaskedValue => Msg::ProbMasked.text_in(lang).into(),
            P::RevealNotAllowed => Msg::ProbRevealNotAllowed.text_in(lang).into(),
            P::Catalogue { reason } => reason.clone(),
            P::MergeSelf => Msg::ProbMergeSelf.text_in(lang).into(),
            P::SamePair => Msg::ProbSamePair.text_in(lang).into(),
            P::Retired { into: None } => Msg::ProbRetired.text_in(lang).into(),
            P::Retired { into: Some(id) } => Msg::ProbRetiredInto.fill_in(lang, &[("id", id)]),
            P::Duplicate { value } => Msg::ProbDuplicate.fill_in(lang, &[("value", value)]),
            P::ControlCharacter => Msg::ProbControl.text_in(lang).into(),
            P::LastAdmin => Msg::ProbLastAdmin.text_in(lang).into(),
            P::NotAnOpenComplaint => Msg::ProbNotOpenComplaint.text_in(lang).into(),
            P::SignInWithoutPassword => Msg::ProbSignInWithoutPassword.text_in(lang).into(),
            P::Malformed => Msg::ProbMalformed.text_in(lang).into(),
            P::Erased => Msg::ProbErased.text_in(lang).into(),
            P::LegalHold => Msg::ProbLegalHold.text_in(lang).into(),
        }
    }
}

impl crate::model::HitStay {
    /// Where the guest stands today, as the result list and the profile header say it:
    /// "in house · 2112 · until 11-30", "arrives 06-15 · 3501", "leaves today · 2112".
    pub fn text_in(&self, lang: Lang, today: chrono::NaiveDate) -> String {
        use crate::model::StayNow;
        let day = |d: chrono::NaiveDate| d.format("%m-%d").to_string();
        let head = match self.status {
            StayNow::InHouse => Msg::StayInHouse.text_in(lang).to_string(),
            StayNow::Arriving if self.arrival == today => {
                Msg::StayArrivesToday.text_in(lang).to_string()
            }
            StayNow::Arriving => Msg::StayArrives.fill_in(lang, &[("date", &day(self.arrival))]),
            StayNow::Departing => Msg::StayLeavesToday.text_in(lang).to_string(),
        };
        let mut parts = vec![head];
        parts.extend(self.room.clone());
        if self.status == StayNow::InHouse {
            parts.push(Msg::StayUntil.fill_in(lang, &[("date", &day(self.departure))]));
        }
        parts.join(" · ")
    }
}

impl std::fmt::Display for crate::model::Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text_in(lang()))
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

messages! {
    // --- store and data errors ---
    RowDuplicateId => "{id} is on line {first} and again on line {line} of this file; keep one of them", "{id} 在本文件第 {first} 行和第 {line} 行重复出现，请只保留一行";
    RowUnknownGuest => "no guest with id '{id}' (import guests first)", "没有编号为 '{id}' 的客人（请先导入客人）";
    NotAPhone => "'{raw}' is not a phone number", "'{raw}' 不是电话号码";
    NotAValidPhone => "'{raw}' is not a valid phone number", "'{raw}' 不是有效的电话号码";
    UnknownOption => "unknown {category} option '{value}' (expected one of: {keys})", "未知的{category}选项 '{value}'（可选：{keys}）";
    NumberOutOfRange => "{category} takes a whole number from {min} to {max} {unit}, not '{value}'", "{category} 需要 {min} 到 {max} {unit} 之间的整数，而不是 '{value}'";
    UnknownCategory => "unknown preference category '{category}' (expected one of: {keys})", "未知的偏好类别 '{category}'（可选：{keys}）";
    CategoryIsNumeric => "category '{category}' is numeric and takes no options", "类别 '{category}' 是数值类，不能添加选项";
    OptionExists => "option '{option}' already exists in '{category}'", "选项 '{option}' 已存在于 '{category}'";
    CategoryNeedsLetter => "new category '{category}' needs a letter", "新类别 '{category}' 需要一个字母键";
    LetterTaken => "letter '{letter}' of category '{category}' is already used by '{taken}'", "类别 '{category}' 的字母 '{letter}' 已被 '{taken}' 使用";
    CategoryNeedsValues => "category '{category}' needs either options or min and max", "类别 '{category}' 需要选项，或者最小值和最大值";
    RolloverHourRange => "rollover_hour must be 0 to 23, not {hour}", "rollover_hour 必须在 0 到 23 之间，而不是 {hour}";
    BadRegion => "default_region '{region}' is not a region code like CN", "default_region '{region}' 不是 CN 这样的地区代码";
    GuestNotFound => "No guest with id {id}.", "没有编号为 {id} 的客人。";
    StaleEdit => "Guest {id} was changed by {user} at {at} after you opened it; reload and try again.",
        "客人 {id} 在您打开后已被 {user} 于 {at} 修改；请重新载入后再试。";
    DuplicateGuestId => "Guest id {id} already exists.", "客人编号 {id} 已存在。";
    DatabaseBusy => "The database is busy (another terminal is writing); try again in a moment.",
        "数据库正忙（另一台终端正在写入），请稍后再试。";
    DatabaseOpen => "Cannot open the database {path}: {reason}", "无法打开数据库 {path}：{reason}";
    DatabaseNewer => "The database {path} was written by a newer guestbook (schema {found}, this one knows {known}); upgrade guestbook.",
        "数据库 {path} 由更新版本的 guestbook 写入（结构版本 {found}，本程序支持 {known}），请升级 guestbook。";
    DatabaseError => "The database failed: {reason}", "数据库出错：{reason}";
    UnknownReservation => "No stay with reservation id {id}.", "没有预订号为 {id} 的住店记录。";
    PreferenceNotFound => "No preference with number {id}.", "没有编号为 {id} 的偏好记录。";
    FeedbackNotFound => "No complaint or praise with number {id}.", "没有编号为 {id} 的投诉或表扬。";
    AccountNotFound => "No staff account named {id}.", "没有名为 {id} 的员工账号。";
    SettingNotFound => "There is no setting called {id}.", "没有名为 {id} 的设置项。";
    InvalidField => "{field}: {reason}", "{field}：{reason}";
    Forbidden => "Your role ({role}) may not {action}; ask someone whose role may.", "您的角色（{role}）无权{action}；请联系有此权限的同事。";
    SignInRequired => "This hotel asks every user to sign in: give the password of {user} (--password-stdin, or GUESTBOOK_PASSWORD_FILE).", "本酒店要求每位用户登录：请提供 {user} 的密码（--password-stdin 或 GUESTBOOK_PASSWORD_FILE）。";
    WrongPassword => "Wrong password for {user}.", "{user} 的密码不正确。";
    UnknownUser => "{user} has no account in this database; ask an administrator to run: guestbook user add {user} --role ROLE", "{user} 在此数据库中没有账号；请管理员运行：guestbook user add {user} --role 角色";
    AccountDisabled => "The account {user} is disabled; ask an administrator.", "账号 {user} 已停用；请联系管理员。";
    StoreUnavailable => "The guestbook server at {db} does not answer; try again in a moment.", "位于 {db} 的 guestbook 服务器无响应，请稍后再试。";
    DatabaseGone => "The database was deleted or replaced while guestbook had it open ({db}); nothing more was written. Restart guestbook.", "数据库在打开期间被删除或替换（{db}），未再写入任何内容。请重新启动 guestbook。";
    DatabaseReadOnly => "The database is read-only ({db}): it can be read, but nothing was changed.", "数据库是只读的（{db}）：可以查看，但未做任何更改。";
    NotGuestbook => "This is not a guestbook database ({db}); it was left untouched.", "这不是 guestbook 数据库（{db}），未对其做任何改动。";
    DiskFull => "The disk holding the database is full ({db}); nothing was changed.", "数据库所在的磁盘已满（{db}），未做任何更改。";
    BackendFailed => "The database failed ({db}); nothing was changed (set GUESTBOOK_DEBUG=1 for details).", "数据库出错（{db}），未做任何更改（设置 GUESTBOOK_DEBUG=1 查看详情）。";
    CheckCouldNotRead => "part of the database could not be read (a damaged page?); restore the last backup", "数据库有部分内容无法读取（页面损坏？）；请恢复最近的备份";
    CheckMissingGuest => "{table}: a row{row} belongs to a guest who is not in the database", "{table}：有一行{row}所属的客人不在数据库中";
    PasswordPrompt => "Password for {user}: ", "{user} 的密码：";
    SessionEnded => "Your session on {db} has ended (signed out, or idle too long); sign in again with: guestbook login", "您在 {db} 上的会话已结束（已退出或空闲过久）；请重新登录：guestbook login";
    RequestTooLarge => "The request is larger than the server takes; send less at once.", "请求超出服务器允许的大小；请分批发送。";
    TooManyAttempts => "Too many sign-in attempts; try again in {seconds} seconds.", "登录尝试次数过多；请在 {seconds} 秒后再试。";
    ProbMalformed => "could not be read (malformed or of the wrong shape)", "无法读取（格式错误或结构不符）";
    ServerListening => "guestbook server on {url} serving {db}", "guestbook 服务器在 {url} 上提供 {db}";
    ServerPlainHttpRefused => "Refusing plain HTTP on {addr}, which is not a loopback address: give --tls-cert and --tls-key, or --insecure-http.", "拒绝在非本机回环地址 {addr} 上使用明文 HTTP：请提供 --tls-cert 和 --tls-key，或 --insecure-http。";
    RemotePlainHttpRefused => "Refusing plain HTTP to {url}, which is not this machine: the password, the session and guest data would cross the network unencrypted. Use https:// (with --ca for the hotel's own CA), or --insecure-http.", "拒绝以明文 HTTP 连接 {url}（不是本机）：密码、会话和客人资料会以未加密方式在网络上传输。请使用 https://（酒店自有 CA 请加 --ca），或 --insecure-http。";
    TlsFileUnreadable => "Cannot read the TLS file {file}: {reason}.", "无法读取 TLS 文件 {file}：{reason}。";
    IoMissing => "there is no such file or folder", "文件或文件夹不存在";
    IoDenied => "permission denied", "没有权限";
    IoIsFolder => "it is a folder, not a file", "这是文件夹，不是文件";
    IoNotFolder => "a part of the path is not a folder", "路径中有一部分不是文件夹";
    IoExists => "it already exists", "文件已存在";
    IoDiskFull => "the disk is full", "磁盘已满";
    IoReadOnly => "the disk is read-only", "磁盘为只读";
    IoOther => "the system refused it (error {code})", "系统拒绝了操作（错误 {code}）";
    FileWrite => "Cannot write {path}: {reason}.", "无法写入 {path}：{reason}。";
    FileRead => "Cannot read {path}: {reason}.", "无法读取 {path}：{reason}。";
    TomlAt => "line {line}, column {column}: {reason}", "第 {line} 行第 {column} 列：{reason}";
    TlsNoCertificate => "The file {file} holds no PEM certificate (-----BEGIN CERTIFICATE-----).", "文件 {file} 中没有 PEM 证书（-----BEGIN CERTIFICATE-----）。";
    TlsNoKey => "The file {file} holds no PEM private key (-----BEGIN PRIVATE KEY-----).", "文件 {file} 中没有 PEM 私钥（-----BEGIN PRIVATE KEY-----）。";
    TlsPairRefused => "The key {key} does not belong to the certificate {cert}, or is of a kind that is not supported.", "私钥 {key} 与证书 {cert} 不匹配，或其类型不受支持。";
    TlsCaUnusable => "The file {file} holds no PEM CA certificate to trust.", "文件 {file} 中没有可信任的 PEM CA 证书。";
    CertificateUntrusted => "The certificate of {db} could not be verified (not signed by a trusted CA, expired, or for another name); give the hotel's CA with --ca FILE.", "无法验证 {db} 的证书（不是由受信任的 CA 签发、已过期或名称不符）；请用 --ca FILE 指定酒店的 CA。";
    ServerCannotListen => "Cannot listen on {addr}: {reason}", "无法在 {addr} 上监听：{reason}";
    LoggedIn => "Signed in to {url} as {user} ({role}); the session ends after 30 minutes idle or 12 hours.", "已作为 {user}（{role}）登录 {url}；空闲 30 分钟或 12 小时后会话结束。";
    LoggedOut => "Signed out of {url}.", "已从 {url} 退出。";
    TheServer => "the guestbook server", "guestbook 服务器";
    NotLoggedIn => "Not signed in to any server.", "未登录任何服务器。";
    NewPasswordPrompt => "New password (empty for none): ", "新密码（留空则不设密码）：";
    NewPasswordAgain => "The new password again: ", "请再次输入新密码：";
    PasswordsDiffer => "The two passwords differ; nothing was changed.", "两次输入的密码不一致，未做任何更改。";
    ConfigSettingsMoved => "Your config.toml still sets hotel settings ({keys}); these now live in the database and the file's copies are ignored. An administrator can copy them there once with: guestbook settings --import-config", "您的 config.toml 中仍有酒店设置（{keys}）；这些设置现在保存在数据库中，文件中的值将被忽略。管理员可运行一次以下命令将其导入数据库：guestbook settings --import-config";
    GuestAdded => "Added {name} as {id}.", "已新建客人 {name}，编号 {id}。";
    GuestEdited => "Saved {name} ({id}), version {version}.", "已保存 {name}（{id}），版本 {version}。";
    FeedbackRecorded => "Recorded as number {n} on {id}.", "已记录到 {id}，编号 {n}。";
    FeedbackResolved => "Complaint {n} of {id} is resolved.", "{id} 的投诉 {n} 已处理完毕。";
    FieldNeedsValue => "'{arg}' is not FIELD=VALUE (an empty value clears the field: company=)", "“{arg}”不是 字段=值 的形式（值为空表示清除该字段：company=）";
    UnknownField => "unknown field '{field}' (fields: {choices})", "未知字段“{field}”（可用字段：{choices}）";
    FirstAccountAdmin => "{user} is the first account of this database and so its administrator.", "{user} 是此数据库的第一个账号，因此是管理员。";
    SettingBadValue => "'{value}' is not a value setting {key} takes.", "“{value}”不是设置项 {key} 可接受的值。";
    CheckProblems => "The database has {n} problem(s).", "数据库有 {n} 个问题。";
    AccountDisabledMark => "disabled", "已停用";
    AccountNoPasswordMark => "no password", "未设密码";
    ImportWarning => "warning: {what}", "提示：{what}";
    ImportWarnings => "{n} row(s) taken with a warning (listed above).", "{n} 行已导入但有提示（见上）。";
    ImportWarningsUnwritten => "{n} row(s) with a warning (listed above); nothing was written.", "{n} 行有提示（见上）；未写入任何数据。";
    ProbLastAdmin => "the only administrator cannot be removed or disabled; make another account admin first", "不能撤销或停用唯一的管理员；请先把另一个账号设为管理员";
    ProbNotOpenComplaint => "only an open complaint can be resolved", "只能处理尚未解决的投诉";
    CheckDamaged => "part of the database is damaged; restore the last backup", "数据库有部分内容已损坏；请恢复最近的备份";
    NoPasswordSet => "The account {user} has no password yet, and this hotel asks everyone to sign in; an administrator sets one with: guestbook user passwd {user}", "账号 {user} 尚未设置密码，而本酒店要求每位用户登录；请管理员运行：guestbook user passwd {user}";
    ProbSignInWithoutPassword => "add an account for yourself with a password first (guestbook user add / user passwd), or nobody could sign in as you", "请先为自己建立带密码的账号（guestbook user add / user passwd），否则您将无法登录";
    TheDatabase => "this terminal's database", "本终端的数据库";
    ActReadGuests => "look up guests", "查询客人";
    ActReadBoard => "see the board", "查看抵离店看板";
    ActRecordPreference => "record preferences", "记录偏好";
    ActAddGuest => "add guests", "新建客人档案";
    ActEditGuest => "change profiles", "修改客人档案";
    ActRecordFeedback => "record complaints and praise", "记录投诉和表扬";
    ActResolveFeedback => "resolve complaints", "处理投诉";
    ActImport => "import files", "导入文件";
    ActExport => "export files", "导出文件";
    ActPrintVipSheet => "print the VIP reception sheet", "打印VIP接待单";
    ActBackup => "back up the database", "备份数据库";
    ActReadAudit => "read the audit log", "查看审计日志";
    AuditEmpty => "No audit entries match.", "没有符合条件的审计记录。";
    ActRestore => "restore the database from a backup", "从备份恢复数据库";
    BackupDamaged => "The backup is damaged (it fails the integrity check), so it was not restored; {db} is unchanged.", "备份文件已损坏（未通过完整性检查），未恢复；{db} 保持不变。";
    NewerThanBackup => "{db} was last changed at {database}, after the backup was taken ({backup}): restoring would lose those changes, so nothing was restored. Add --force to restore anyway.", "{db} 最后修改于 {database}，晚于备份（{backup}）：恢复会丢失这些修改，因此未恢复。确需恢复请加 --force。";
    PasswdNeedsInput => "No new password for {user} was given, so nothing was changed: pipe it in with --password-stdin, or run this on a terminal.", "未提供 {user} 的新密码，因此未做任何更改：请用 --password-stdin 传入，或在终端上运行。";
    BackupOntoDatabase => "{file} is the database itself: back it up to another file.", "{file} 就是数据库本身：请备份到另一个文件。";
    OnServerHostOnly => "Backup and restore work on the database file itself: run them on the host of {db}, with --db.", "备份和恢复直接作用于数据库文件：请在 {db} 所在的主机上用 --db 运行。";
    BackupEmpty => "an empty database", "空数据库";
    BackupWritten => "Backup of {n} guests written to {file} (data as of {at}).", "已将 {n} 位客人的备份写入 {file}（数据截至 {at}）。";
    BackupEncrypted => "It is encrypted: keep the passphrase apart from the file; without it the backup cannot be read.", "备份已加密：请将口令与文件分开保管，没有口令无法读取备份。";
    RestoreDone => "{db} restored from {file}: {n} guests, data as of {at}.", "已从 {file} 恢复 {db}：{n} 位客人，数据截至 {at}。";
    BackupPassphrase => "Passphrase for the backup: ", "备份口令：";
    BackupPassphraseAgain => "The same passphrase again: ", "再次输入口令：";
    BackupPassphraseMismatch => "The two passphrases differ; nothing was written.", "两次输入的口令不一致，未写入任何文件。";
    BackupPassphraseMissing => "An encrypted backup needs a passphrase: type it at the prompt, or name a file holding it with --passphrase-file.", "加密备份需要口令：请在提示时输入，或用 --passphrase-file 指定保存口令的文件。";
    BackupWrongPassphrase => "{file} could not be decrypted: the passphrase is wrong or the file is damaged. Nothing was restored.", "无法解密 {file}：口令错误或文件已损坏。未恢复任何数据。";
    BackupNotReadable => "{file} is not a guestbook backup (neither a guestbook database nor an encrypted backup). Nothing was restored.", "{file} 不是 guestbook 备份（既不是 guestbook 数据库，也不是加密备份）。未恢复任何数据。";
    ActMerge => "merge profiles", "合并档案";
    ActErase => "erase guests' data", "删除客人数据";
    ActManageAccounts => "manage staff accounts", "管理员工账号";
    ActReadAccounts => "list staff accounts", "查看员工账号";
    ActChangeSettings => "change the hotel's settings", "修改酒店设置";
    ActCheck => "check the database", "检查数据库";
    ActShiftSampleDates => "move the sample data's dates", "调整示例数据的日期";
    ProbRequired => "a value is required", "必须填写";
    ProbTooLong => "longer than the limit of {max} characters", "超过 {max} 个字符的上限";
    ProbOutOfRange => "must be between {min} and {max}", "必须在 {min} 到 {max} 之间";
    ProbNotOneOf => "'{value}' is not one of: {choices}", "“{value}”不在可选范围内：{choices}";
    ProbBadPhone => "'{value}' is not a phone number", "“{value}”不是电话号码";
    ProbBadDate => "'{value}' is not a date (YYYY-MM-DD)", "“{value}”不是日期（YYYY-MM-DD）";
    ProbBadEmail => "'{value}' is not an e-mail address", "“{value}”不是电子邮件地址";
    ProbMasked => "a masked value cannot be saved as data; reveal the field first", "遮蔽显示的值不能作为数据保存；请先显示完整内容";
    ProbMergeSelf => "a profile cannot be merged into itself", "不能把档案合并到其自身";
    ProbSamePair => "a pair marked as not the same person must be two different guests; give two ids", "标记为“不是同一人”的必须是两位不同的客人，请给出两个编号";
    ProbRetired => "this profile was merged into another one; use that profile", "此档案已合并到另一个档案，请使用那个档案";
    ProbRetiredInto => "this profile was merged into {id}; use that profile", "此档案已合并到 {id}，请使用那个档案";
    ProbDuplicate => "'{value}' is already in use", "“{value}”已被使用";
    ProbControl => "control characters (such as ESC or NUL) are not allowed", "不允许控制字符（如 ESC 或 NUL）";
    // --- import / export ---
    ImportFileOpen => "Cannot read {path}: {reason}", "无法读取 {path}：{reason}";
    ImportBadRows => "{path}: {n} bad row(s); nothing was imported (use --skip-bad to import the good rows).",
        "{path}：{n} 行有误，未导入任何数据（使用 --skip-bad 可只导入正确的行）。";
    ImportSkipped => "{path}: {n} bad row(s) skipped and written to {rejects}.",
        "{path}：跳过 {n} 行有误数据，已写入 {rejects}。";
    ImportSummary => "Imported {imported}, updated {updated}, unchanged {unchanged}, rejected {rejected}.",
        "新增 {imported} 条，更新 {updated} 条，未变 {unchanged} 条，拒绝 {rejected} 条。";
    ImportCheckSummary => "Dry run, nothing written: would import {imported}, update {updated}, leave {unchanged} unchanged; {rejected} bad.",
        "试运行，未写入任何数据：将新增 {imported} 条、更新 {updated} 条、{unchanged} 条不变；{rejected} 条有误。";
    ImportReadAs => "Read {path} as {encoding}{delimiter}.", "按 {encoding}{delimiter} 读取 {path}。";
    ImportReadDelimiter => ", columns separated by {delimiter}", "、以 {delimiter} 分列";
    ImportCheckBad => "{path}: {n} bad row(s) (dry run: nothing was written).",
        "{path}：{n} 行有误（试运行：未写入任何数据）。";
    ImportAllRefused => "{path}: every row ({n}) was refused; nothing was imported.",
        "{path}：全部 {n} 行均被拒绝，未导入任何数据。";
    ImportFormatUnknown => "Cannot tell the format of {path}; name it .csv or .jsonl, or give --format.",
        "无法判断 {path} 的格式；请使用 .csv 或 .jsonl 扩展名，或指定 --format。";
    RowError => "{path}:{line}: column {column}: {reason}", "{path}:第 {line} 行：{column} 列：{reason}";
    RowErrorWhole => "{path}:{line}: {reason}", "{path}:第 {line} 行：{reason}";
    ExportWritten => "Exported {n} row(s) to {path}.", "已导出 {n} 行到 {path}。";
    // --- interchange files and rows (src/interchange.rs) ---
    ImportEmptyFile => "{path} is empty: it has no rows (a CSV file starts with a header line naming its columns).",
        "{path} 是空文件，没有任何数据行（CSV 文件的第一行应是列名）。";
    ImportUndecodable => "{path}: the bytes at offset {offset} are not text in {encoding}; give the file's encoding with --encoding (e.g. gb18030, big5, shift_jis, windows-1252, utf-8).",
        "{path}：第 {offset} 字节处的内容不是 {encoding} 文本；请用 --encoding 指定文件的编码（如 gb18030、big5、shift_jis、windows-1252、utf-8）。";
    ImportHeaderUnclosedQuote => "{path}:{line}: the header opens a quote it never closes.",
        "{path}:第 {line} 行：表头中的引号没有闭合。";
    ImportBadEncoding => "'{value}' is not an encoding guestbook knows (e.g. utf-8, gb18030, big5, shift_jis, windows-1252, utf-16le).",
        "“{value}”不是可识别的编码（如 utf-8、gb18030、big5、shift_jis、windows-1252、utf-16le）。";
    ImportBadDelimiter => "'{value}' is not a separator guestbook reads; give a comma, a semicolon or tab",
        "“{value}”不是可用的分隔符；请使用逗号、分号或 tab";
    ImportMapFile => "Cannot use the column map {path}: {reason}", "无法使用列映射文件 {path}：{reason}";
    ImportMapTheirs => "{path}:{line}: the column map names the column '{column}', which this file's header does not have.",
        "{path}:第 {line} 行：列映射中的列“{column}”在本文件表头中不存在。";
    ImportMapOurs => "The column map names '{column}', which is not one of our columns ({expected}).",
        "列映射中的“{column}”不是可用的列（{expected}）。";
    ImportMapDates => "The column map's [dates]: {reason}.", "列映射的 [dates]：{reason}。";
    MapNotDateColumn => "'{column}' is not a date column (date columns: {dates})", "“{column}”不是日期列（日期列：{dates}）";
    MapBadDateFormat => "'{format}' for {column} is not a date format: write it with YYYY, MM or M, DD or D and separators (MM/DD/YYYY, DD.MM.YYYY, YYYY/M/D, YYYYMMDD), or excel for serial numbers",
        "{column} 的“{format}”不是日期格式：请用 YYYY、MM 或 M、DD 或 D 加分隔符书写（MM/DD/YYYY、DD.MM.YYYY、YYYY/M/D、YYYYMMDD），Excel 序列号写 excel";
    RowBadMappedDate => "'{value}' is not a date in the map's format {format}", "“{value}”不是列映射规定格式 {format} 的日期";
    ImportMapKind => "the column map is for {kind} files", "该列映射用于 {kind} 文件";
    ImportWrongSeparator => "{path}:{line}: the header has a column '{column}', so the file is separated by another character than the one read; give it with --delimiter (',', ';' or tab).",
        "{path}:第 {line} 行：表头中有“{column}”这样的列，说明文件使用了另一种分隔符；请用 --delimiter 指定（',' 、';' 或 tab）。";
    RowUnclosedQuote => "unclosed quote: the quoted field opened on this line is not closed by a quote followed by the separator or the line end",
        "引号未闭合：本行开始的带引号字段没有以“引号 + 分隔符或行尾”结束";
    RowUndecodable => "the bytes at offset {offset} are not text in {encoding}; give the file's encoding with --encoding",
        "第 {offset} 字节处的内容不是 {encoding} 文本；请用 --encoding 指定文件的编码";
    RowControl => "control character {code} is not allowed here (tab and line breaks only in notes, text and resolution)",
        "此处不允许控制字符 {code}（只有备注、内容和处理结果可含制表符和换行）";
    RowTooLong => "{n} characters is longer than the limit of {max}",
        "共 {n} 个字符，超过 {max} 个字符的上限";
    ImportUnknownColumn => "{path}:{line}: unknown column '{column}' (known columns: {expected}); use --ignore-unknown to skip it.",
        "{path}:第 {line} 行：未知的列“{column}”（可用的列：{expected}）；可用 --ignore-unknown 忽略它。";
    ImportMissingColumn => "{path}:{line}: the required column '{column}' is missing from the header.",
        "{path}:第 {line} 行：表头缺少必需的列“{column}”。";
    ImportDuplicateColumn => "{path}:{line}: column '{column}' appears twice in the header.",
        "{path}:第 {line} 行：表头中“{column}”列出现了两次。";
    ImportRejectsWrite => "Cannot write the rejects file {path}: {reason}", "无法写入拒收文件 {path}：{reason}";
    ExportWrite => "Cannot write the export: {reason}", "无法写出导出数据：{reason}";
    RowRequired => "a value is required", "此项必填";
    RowFieldCount => "the row has {found} fields but the header has {expected}", "该行有 {found} 个字段，而表头有 {expected} 个";
    RowReadFailed => "the rest of the file could not be read: {reason}", "无法读取文件的其余部分：{reason}";
    RowBadJson => "invalid JSON: {reason}", "JSON 格式错误：{reason}";
    RowNotObject => "each line must be one JSON object", "每行必须是一个 JSON 对象";
    RowUnknownField => "unknown field (known fields: {expected}); use --ignore-unknown to skip it",
        "未知字段（可用字段：{expected}）；可用 --ignore-unknown 忽略它";
    RowNotText => "expected text, a number or a list of them", "应为文本、数字或它们的列表";
    RowDepartureNotAfterArrival => "departure {departure} is not after arrival {arrival}", "离店日期 {departure} 不晚于抵店日期 {arrival}";
    RowBadChoice => "'{value}' is not one of: {choices}", "“{value}”不是以下之一：{choices}";
    RowBadDate => "'{value}' is not a date; write YYYY-MM-DD", "“{value}”不是日期，请写成 YYYY-MM-DD";
    RowBadTimestamp => "'{value}' is not a timestamp; write RFC 3339 like 2026-06-15T14:30:00+08:00",
        "“{value}”不是时间戳，请按 RFC 3339 书写，如 2026-06-15T14:30:00+08:00";
    PhoneExcelRounded => "'{value}' is a phone number Excel turned into a rounded number, so its last digits are lost; in Excel format the phone column as Text (or type the numbers with a leading ') and export the file again",
        "“{value}”是被 Excel 转成科学计数法并四舍五入的电话号码，末尾几位已丢失；请在 Excel 中把电话列设为“文本”格式（或在号码前加 '）后重新导出";
    PhonePlaceholderIgnored => "'{value}' holds no phone number; ignored", "“{value}”不含电话号码，已忽略";
    PhoneKeptUnverified => "'{value}' is not a number the numbering plan knows; kept unverified as {e164}",
        "“{value}”不在号码规划内，已作为未核实号码保存为 {e164}";
    PhoneZeroRestored => "'{value}' had lost its leading zero (a spreadsheet took it for a number); stored as {e164}",
        "“{value}”丢失了开头的 0（被电子表格当成了数字），已保存为 {e164}";
    PhoneUnverified => "unverified", "未核实";
    RowBadEmail => "'{value}' is not an e-mail address", "“{value}”不是电子邮件地址";
    RowBadVip => "'{value}' is not a configured VIP code ({choices})", "“{value}”不是已配置的 VIP 代码（{choices}）";
    RowBadCountry => "'{value}' is not a two-letter country code like CN or DE", "“{value}”不是 CN、DE 这样的两字母国家代码";
    RowBadLanguage => "'{value}' is not a language tag like zh-CN or en", "“{value}”不是 zh-CN、en 这样的语言标记";
    RowBadWhole => "'{value}' is not a whole number", "“{value}”不是整数";
    RowBadMoney => "'{value}' is not an amount; write digits with up to two decimals, like 1280.50",
        "“{value}”不是金额，请写数字，最多两位小数，如 1280.50";
    // --- CLI ---
    DemoReady => "Demo database: {path} (sample day shifted to {date}). Use --db {path} for further commands.",
        "演示数据库：{path}（样例日期已平移到 {date}）。后续命令请使用 --db {path}。";
    BadDate => "'{value}' is not a date; write YYYY-MM-DD.", "“{value}” 不是日期，请写成 YYYY-MM-DD。";
    UsageBadValue => "{arg}: {reason}", "{arg}：{reason}";
    UsageNotOneOf => "{arg}: '{value}' is not one of: {choices}.", "{arg}：“{value}”不是以下之一：{choices}。";
    UsageMissing => "Missing {args}.", "缺少 {args}。";
    UsageUnknownArg => "'{arg}' is not an option or value this command takes.", "此命令不接受“{arg}”这个选项或值。";
    UsageUnknownCommand => "'{command}' is not a command.", "“{command}”不是命令。";
    UsageDidYouMean => " Did you mean '{suggestion}'?", "您是否想输入“{suggestion}”？";
    UsageOnlyOnce => "{arg} may be given only once.", "{arg} 只能给一次。";
    UsageConflict => "{arg} cannot be used with {other}.", "{arg} 不能与 {other} 同时使用。";
    UsageOther => "The command line is not valid: {detail}", "命令行无效：{detail}";
    UsageSeeHelp => "See '{command} --help'.", "用法见“{command} --help”。";
    PreferenceRecorded => "Recorded {category}: {value} for {name} ({id}).", "已为 {name}（{id}）记录 {category}：{value}。";
    GuestErased => "Erased the personal data of guest {id}; its stays remain, anonymous.",
        "已删除客人 {id} 的个人信息；住店记录以匿名方式保留。";
    GuestsMerged => "Merged {other} into {keep} ({name}).", "已将 {other} 合并到 {keep}（{name}）。";
    ConfigError => "Config file {path}: {reason}", "配置文件 {path}：{reason}";
    NoDatabase => "There is no database at {path}; import into it first, or check --db.", "{path} 处没有数据库；请先导入数据，或检查 --db。";
    Migrating => "Updating {path} for this version of guestbook (once; a million guests take about a minute)…",
        "正在为本版 guestbook 升级 {path}（仅此一次；百万位客人约需一分钟）…";
    NoDataDir => "Cannot find a data directory for this user; give --db PATH.", "找不到本用户的数据目录，请指定 --db PATH。";
    Unexpected => "Something went wrong: {reason}", "出现错误：{reason}";
    // --- board and profile words ---
    Board => "Board", "接待板";
    Arrivals => "Arrivals", "今日抵店";
    InHouse => "In house", "在店";
    Departures => "Departures", "今日离店";
    BusinessDate => "Business date", "营业日";
    Room => "Room", "房号";
    Name => "Name", "姓名";
    Vip => "VIP", "VIP";
    Stays => "Stays", "次数";
    KeyPreferences => "Key preferences", "主要偏好";
    AlertsWord => "Alerts", "提醒";
    AlertDoNotRent => "DO NOT RENT", "禁止入住";
    AlertOpenComplaint => "open complaint", "未结投诉";
    AlertBirthday => "birthday {date}", "生日 {date}";
    AlertAnniversary => "anniversary {date}", "纪念日 {date}";
    NoneToday => "(none)", "（无）";
    PrintedBy => "Printed by {user} at {at}", "打印人 {user}，时间 {at}";
    VipSheetTitle => "VIP reception sheet", "VIP接待单";
    VipWatermark => "CONFIDENTIAL · printed by {user} on {host} at {at} · do not copy, photograph or pass on", "机密 · {user} 于 {host} 打印，{at} · 不得复印、拍照或外传";
    VipPrepFor => "{department}: VIP preparation for {date}", "{department}：{date} VIP接待准备";
    VipNothingToPrepare => "Nothing to prepare.", "无需准备。";
    VipLeaves => "leaves {date}", "{date} 离店";
    VipWritten => "VIP reception sheet for {date} written to {file} ({n} guests).", "{date} 的VIP接待单已写入 {file}（{n} 位客人）。";
    DeptEngineering => "Engineering", "工程部";
    DeptSecurity => "Security", "保安部";
    // --- merge and erase (owned by the lookup engine) ---
    MergeSelf => "Cannot merge guest {id} into itself.", "不能把客人 {id} 合并到其自身。";
    MergeRetired => "Guest {id} was already merged into another profile; use that profile.",
        "客人 {id} 已被合并到其他档案，请使用该档案。";
    // --- TUI --- (src/tui/)
    TuiTerminal => "Cannot drive the terminal: {reason}", "无法控制终端：{reason}";
    TuiNotATerminal => "The guestbook screen needs a terminal; in scripts use the subcommands (search, show, board).",
        "guestbook 界面需要在终端中运行；脚本中请使用子命令（search、show、board）。";
    TuiCatalog => "The preference catalogue in the config file is wrong: {reason}", "配置文件中的偏好目录有误：{reason}";
    TuiInternal => "Internal error in the background worker: {reason}", "后台任务内部错误：{reason}";
    KeymapError => "Keymap {file}, line {line}: {reason}", "按键表 {file} 第 {line} 行：{reason}";
    KeymapRead => "cannot read the file: {reason}", "无法读取文件：{reason}";
    KeymapUnknownMode => "unknown mode [{mode}] (expected one of: {modes})", "未知模式 [{mode}]（应为以下之一：{modes}）";
    KeymapNotTable => "[{mode}] must be a table of key = \"action\" lines", "[{mode}] 必须由 键 = \"动作\" 的行组成";
    KeymapUnknownKey => "unknown key '{key}' (write e.g. ctrl-b, f2, enter, ?)", "未知按键“{key}”（写法如 ctrl-b、f2、enter、?）";
    KeymapNotString => "the action for '{key}' must be a quoted name like \"board\"", "“{key}”的动作必须是带引号的名称，如 \"board\"";
    KeymapUnknownAction => "unknown action '{action}' in [{mode}] (expected one of: {actions})",
        "[{mode}] 中没有动作“{action}”（应为以下之一：{actions}）";
    KeymapDuplicate => "'{key}' is bound twice in [{mode}] (first on line {first})", "“{key}”在 [{mode}] 中被绑定了两次（第一次在第 {first} 行）";
    KeymapReserved => "'{key}' cannot be bound in [{mode}]: there it is typed or chooses a category or option",
        "“{key}”不能在 [{mode}] 中绑定：该模式下它用于输入或选择类别、选项";
    TuiModeGlobal => "Everywhere", "所有界面";
    TuiModeLookup => "Lookup", "查找";
    TuiModeProfile => "Profile", "客史档案";
    TuiModeHelp => "Help", "帮助";
    TuiModeRecord => "Recording a preference", "记录偏好";
    TuiModeInput => "Typing a number or note", "输入数字或备注";
    TuiModeLocked => "Locked", "已锁定";
    TuiModeRecent => "Recent profiles", "最近的档案";
    PopNotANumber => "'{number}' is not a phone number: a caller's number may hold only digits, spaces, +, - and brackets, with at least 3 digits.", "“{number}”不是电话号码：来电号码只能包含数字、空格、+、- 和括号，且至少 3 位数字。";
    PopNoTui => "No guestbook window is running for this user on this computer; nothing was shown.", "本机没有这个用户正在运行的 guestbook 窗口，来电未能显示。";
    PopFailed => "Could not reach the running guestbook window: {reason}", "无法连接正在运行的 guestbook 窗口：{reason}";
    PopUnsafeDir => "{dir} belongs to another user or is open to others; screen-pop will not use it.", "{dir} 属于其他用户或对他人开放，来电弹屏不会使用它。";
    TuiPopUnavailable => "Calls from the phone system cannot reach this window: {reason}", "电话系统的来电无法送到本窗口：{reason}";
    TuiCallWaiting => "Call from {number} waiting: it comes up once this is saved or closed", "来电 {number} 等待中：保存或关闭正在输入的内容后显示";
    TuiActQuit => "quit", "退出";
    TuiActHelp => "help", "帮助";
    TuiActBoard => "VIP board", "接待板";
    TuiActLock => "lock the screen", "锁定屏幕";
    TuiActRecent => "recent profiles (the last 10 opened)", "最近打开的 10 个档案";
    TuiRecentTitle => "Recent profiles, {user}", "最近的档案 · {user}";
    TuiRecentNone => "No profile opened yet by {user} on this terminal.", "{user} 在本终端还没有打开过档案。";
    TuiActBack => "back", "返回";
    TuiActUp => "move up", "上移";
    TuiActDown => "move down", "下移";
    TuiActPageUp => "page up", "上一页";
    TuiActPageDown => "page down", "下一页";
    TuiActTop => "to the top", "到顶部";
    TuiActBottom => "to the bottom", "到底部";
    TuiActOpen => "open profile", "打开档案";
    TuiActDeleteChar => "delete a character", "删除一个字符";
    TuiActClear => "clear", "清空";
    TuiActCopy => "copy (OSC 52)", "复制（OSC 52）";
    TuiActCopyReservation => "copy reservation id", "复制预订号";
    TuiActRecord => "record preference", "记录偏好";
    TuiActNote => "note on last entry", "为上一条添加备注";
    TuiActUndo => "undo last entry", "撤销上一条";
    TuiActReload => "reload", "刷新";
    TuiActNextPanel => "next panel", "下一栏";
    TuiActPrevPanel => "previous panel", "上一栏";
    TuiActVipOnly => "VIP only / all", "仅 VIP / 全部";
    TuiActPrevDay => "previous day", "前一天";
    TuiActNextDay => "next day", "后一天";
    TuiActToday => "back to today", "回到今天";
    TuiActNextPage => "next page of options", "下一页选项";
    TuiActPrevPage => "previous page of options", "上一页选项";
    TuiActSubmit => "save", "保存";
    TuiActCancel => "cancel", "取消";
    TuiActUnlock => "unlock", "解锁";
    TuiActNone => "(unbound)", "（未绑定）";
    TuiRecordHelp => "{key}, then the category letter, then the option digit: stored at once",
        "{key}，再按类别字母，再按选项数字：立即保存";
    TuiCopied => "Copied {text} to the clipboard.", "已复制 {text} 到剪贴板。";
    TuiNothingToCopy => "Nothing to copy here.", "此处没有可复制的内容。";
    TuiNothingToNote => "Record a preference first, then add a note to it.", "请先记录一条偏好，再为其添加备注。";
    TuiNothingToUndo => "Nothing recorded here to undo.", "这里没有可撤销的记录。";
    TuiNoOptionDigit => "No option {digit} on this page.", "本页没有选项 {digit}。";
    TuiNoCategoryLetter => "No category on '{key}'.", "“{key}”没有对应的类别。";
    TuiNumberRange => "Type a whole number from {min} to {max} {unit}, then Enter.", "请输入 {min} 到 {max} {unit} 之间的整数，然后按回车。";
    TuiRecorded => "Recorded {category}: {value} · {note} add a note · {undo} undo",
        "已记录 {category}：{value} · {note} 添加备注 · {undo} 撤销";
    TuiUndone => "Undone: {category}: {value}", "已撤销：{category}：{value}";
    TuiNoted => "Note saved.", "备注已保存。";
    TuiSignal => "stopped by signal {signal}; the terminal was restored.", "收到信号 {signal}，已停止；终端已恢复。";
    TuiNoteTooLong => "A note may have at most {max} characters; this one has {n}. Shorten it, then Enter.",
        "备注最多 {max} 个字符，当前 {n} 个。请删减后再按回车。";
    TuiNoteCount => "{n}/{max} characters", "{n}/{max} 字";
    TuiQueryTooLong => "A query may have at most {max} characters.", "查询最多 {max} 个字符。";
    TuiRowsBelow => "{n} more below", "下面还有 {n} 位";
    TuiRowsAbove => "{n} above", "上面 {n} 位";
    TuiMoreKey => "more: {key}", "更多：{key}";
    DayToday => "today", "今日";
    DayTomorrow => "tomorrow", "明日";
    DayYesterday => "yesterday", "昨日";
    ArrivalsOn => "Arrivals {day}", "{day}抵店";
    InHouseOn => "In house {day}", "{day}在店";
    DeparturesOn => "Departures {day}", "{day}离店";
    TuiLocked => "Nothing is shown until you unlock. Press {key} to unlock.", "解锁前不显示任何客人信息。按 {key} 解锁。";
    TuiMarkDnr => "DNR", "禁住";
    TuiBackendFile => "file: {path}", "文件：{path}";
    TuiMarkComplaint => "Complaint", "投诉";
    TuiMarkComplaints => "Complaint×{count}", "投诉×{count}";
    TuiMarkBirthday => "Birthday", "生日";
    TuiMarkAnniversary => "Anniv.", "纪念日";
    TuiRoleAgent => "agent", "话务员";
    TuiRoleHousekeeping => "housekeeping", "客房部";
    TuiRoleFrontOffice => "front office", "前厅部";
    TuiRoleManager => "manager", "经理";
    TuiRoleAdmin => "admin", "管理员";
    TuiSearching => "Searching…", "正在查找…";
    TuiLoading => "Loading…", "正在载入…";
    TuiSaving => "Saving…", "正在保存…";
    TuiFind => "Find", "查找";
    TuiMatches => "{n} found", "找到 {n} 位";
    TuiLookupWelcome => "Type a phone number (the last four digits are enough), a name, pinyin or initials.",
        "输入电话号码（后四位即可）、姓名、拼音或首字母。";
    TuiNoMatches => "No guest matches '{query}'.", "没有与“{query}”匹配的客人。";
    TuiGreetAs => "Greet as", "称呼";
    TuiPhone => "Phone", "电话";
    TuiLastStay => "Last stay", "上次入住";
    TuiNextStay => "Next stay", "下次入住";
    TuiStayNow => "Stay", "住店";
    TuiDidYouMean => "did you mean", "是否要找";
    StayInHouse => "in house", "在住";
    StayUntil => "until {date}", "至 {date}";
    StayArrives => "arrives {date}", "{date} 抵店";
    StayArrivesToday => "arrives today", "今日抵店";
    StayLeavesToday => "leaves today", "今日离店";
    TuiStayCount => "Stays: {n}", "入住 {n} 次";
    TuiOpenComplaints => "OPEN COMPLAINT ({count})", "未结投诉（{count}）";
    TuiFlagNoMarketing => "no marketing", "不接受营销";
    TuiFlagDeceased => "deceased", "已故";
    TuiFlagEraseRequested => "erasure requested", "已申请删除";
    FlagLegalHold => "legal hold", "法律保全";
    NoFlaggedGuests => "No profile carries a flag.", "没有带标记的客史档案。";
    FlaggedNoneInHouse => "No guest in house today carries a flag. Your role sees only the guests in house; a manager can list every flagged guest.", "今日在住的客人中没有带标记的。您的角色只能查看在住客人；经理可以查看全部带标记的客人。";
    FlaggedInHouseOnly => "Your role sees only the guests in house today, so only their flags are listed; a manager can list every flagged guest.", "您的角色只能查看今日在住的客人，因此只列出他们的标记；经理可以查看全部带标记的客人。";
    SearchEmpty => "Nothing to look up: give a name, a phone number (or its last digits), a room or a guest id.", "没有要查找的内容：请给出姓名、电话号码（或其尾号）、房号或客人编号。";
    NotRevealable => "'{field}' cannot be revealed; the fields that can: {choices}.", "“{field}”无法查看完整内容；可以查看的字段：{choices}。";
    TuiCompany => "Company", "公司";
    TuiNotes => "Notes", "备注";
    TuiPreferences => "Preferences", "偏好";
    TuiNoPreferences => "No preferences recorded yet; press {key} to record one.", "尚无偏好记录；按 {key} 记录。";
    TuiSourceFrontOffice => "Front office", "前厅部";
    TuiSourceHousekeeping => "Housekeeping", "客房部";
    TuiSourceFnb => "F&B", "餐饮部";
    TuiSourceConcierge => "Concierge", "礼宾部";
    TuiSourceCallCentre => "Call centre", "预订中心";
    TuiSourceGuest => "Guest", "客人本人";
    TuiStayHistory => "Stay history", "入住记录";
    TuiQuitUnsaved => "What you typed is not saved: press ctrl-c again to quit without saving it.",
        "您输入的内容尚未保存：再按 ctrl-c 将不保存并退出。";
    TuiStayExpected => "Expected", "预抵";
    TuiStayDeparted => "Departed", "已离店";
    TuiStayCancelled => "Cancelled", "已取消";
    TuiStayNoShow => "No-show", "未到";
    TuiFeedback => "Complaints and praise", "投诉与表扬";
    TuiComplaint => "Complaint", "投诉";
    TuiPraise => "Praise", "表扬";
    TuiOpen => "open", "未结";
    TuiResolved => "resolved", "已解决";
    TuiRecordTitle => "Record a preference: press the category letter", "记录偏好：请按类别字母";
    TuiNoteTitle => "Note for {category}: {value}", "{category}：{value} 的备注";
    TuiPage => "page {page}/{pages}, {key} turns", "第 {page}/{pages} 页，{key} 翻页";
    TuiVipOnly => "VIP only", "仅 VIP";
    TuiAllGuests => "all guests", "全部客人";
    TuiDaysFromToday => "{n} days from today", "距今天 {n} 天";
    TuiHelpTitle => "Keys ({keymap} keymap)", "按键（{keymap} 按键表）";
    TuiWeekdays => "Mon Tue Wed Thu Fri Sat Sun", "周一 周二 周三 周四 周五 周六 周日";
    TuiStaysShort => "#", "次";
    TuiModeForm => "Filling in a form", "填写表单";
    TuiActNewGuest => "new profile for this caller", "为来电客人新建档案";
    TuiActEdit => "edit the profile", "编辑档案";
    TuiActFeedback => "record a complaint or praise", "记录投诉或表扬";
    TuiActNextField => "next field", "下一项";
    TuiActPrevField => "previous field", "上一项";
    TuiActNextChoice => "next choice", "下一个选项";
    TuiActPrevChoice => "previous choice", "上一个选项";
    TuiNoMatchesNew => "No guest matches '{query}'. Press {key} to create a profile for this caller.",
        "没有与“{query}”匹配的客人。按 {key} 为这位来电客人新建档案。";
    TuiNewGuestTitle => "New profile", "新建档案";
    TuiEditTitle => "Edit {name} ({id}), version {version}", "编辑 {name}（{id}），版本 {version}";
    TuiFeedbackTitle => "Complaint or praise for {name}", "{name} 的投诉或表扬";
    TuiSignInTitle => "Sign in", "登录";
    TuiSignInHelp => "This terminal is shared: sign in with your user name and password. Nothing is shown until then.",
        "本终端为共用终端：请输入用户名和密码登录。登录前不显示任何信息。";
    TuiFormKeys => "{next} next field · {choice} change choice · {submit} save · {cancel} cancel",
        "{next} 下一项 · {choice} 切换选项 · {submit} 保存 · {cancel} 取消";
    TuiFieldName => "Name", "姓名";
    TuiFieldNameLatin => "Latin name", "英文名";
    TuiFieldGreeting => "Greet as", "称呼";
    TuiFieldPhones => "Phones", "电话";
    TuiFieldEmails => "E-mails", "电子邮件";
    TuiFieldCompany => "Company", "公司";
    TuiFieldVip => "VIP", "VIP";
    TuiFieldFlags => "Flags", "标记";
    TuiFieldNotes => "Notes", "备注";
    TuiFieldGender => "Gender", "性别";
    TuiFieldNationality => "Nationality", "国籍";
    TuiFieldLanguage => "Language", "语言";
    TuiFieldIdDocType => "ID document type", "证件类型";
    TuiFieldIdDocNumber => "ID document number", "证件号码";
    TuiFieldKind => "Kind", "类型";
    TuiFieldText => "Text", "内容";
    TuiFieldDepartment => "Department", "部门";
    TuiFieldUser => "User", "用户名";
    TuiFieldPassword => "Password", "密码";
    TuiFieldStored => "now stored: {value}", "现存：{value}";
    TuiGuestAdded => "Profile {id} created.", "已新建档案 {id}。";
    TuiGuestSaved => "Profile {id} saved (version {version}).", "档案 {id} 已保存（版本 {version}）。";
    TuiNothingChanged => "Nothing changed, so nothing was saved.", "没有改动，未保存。";
    TuiStaleKept => "{user} changed this profile at {at}, after you opened it. Their version is shown; what you typed is kept: press {key} to apply it.",
        "{user}于{at}修改了此档案（在您打开之后）。已显示其最新版本，您输入的内容已保留：按 {key} 重新保存。";
    TuiFeedbackAdded => "{kind} recorded on the profile.", "已在档案中记录{kind}。";
    TuiTextTooLong => "At most {max} characters; this has {n}.", "最多 {max} 个字符，当前 {n} 个。";
    TuiFixFields => "Some values need correcting; see the marked fields.", "部分内容需要更正，请查看标出的项目。";
    TuiSignedIn => "Signed in as {user}.", "已以 {user} 身份登录。";
    TuiSignedOut => "signed out", "已退出登录";
    // privacy: role matrix, reveal, incognito
    ActReveal => "reveal this field", "查看此项的完整内容";
    ProbRevealNotAllowed => "your role may not reveal this field", "您的角色无权查看此项的完整内容";
    RevealReasonPrompt => "Reason for revealing {field} of {id}: ", "查看 {id} 的 {field} 的理由：";
    RevealNeedsReason => "Revealing a field needs a reason: give --reason TEXT.", "查看完整内容需要理由：请使用 --reason 说明。";
    RevealShown => "{field} of {id} (revealed, on record): {value}", "{id} 的 {field}（已显示完整内容并记录在案）：{value}";
    TuiFieldPseudonym => "Pseudonym", "化名";
    TuiFieldReason => "Reason", "理由";
    TuiFieldField => "Field", "项目";
    TuiRevealTitle => "Reveal a field of {name}: the reason is on record", "查看 {name} 的完整内容：理由将记录在案";
    TuiRevealed => "{field}: {value} (revealed, on record)", "{field}：{value}（已显示完整内容并记录在案）";
    TuiActReveal => "reveal a masked field (with a reason)", "查看被遮蔽的内容（需填写理由）";
    ShowMaskedNote => "Some fields are masked for your role: {fields}.", "部分内容对您的角色已遮蔽：{fields}。";
    // --- likely duplicates, merge from the TUI, history, VIP sheet from the board ---
    DupeIdDocument => "same ID document", "证件相同";
    DupePhone => "same phone", "电话相同";
    DupeEmail => "same e-mail", "邮箱相同";
    DupeNameBirthDate => "same name and birth date", "姓名和出生日期相同";
    DupeNameLastFour => "same name and last 4 phone digits", "姓名和电话后4位相同";
    DupesNone => "No likely duplicates.", "没有疑似重复的档案。";
    DupesNeverMarked => "{a} and {b} are marked as different people; the pair will not be proposed again.", "已标记 {a} 和 {b} 为不同的人，今后不再提示这一对。";
    AddLikelyDuplicate => "{id} may be the same person as {other} ({reasons}); see guestbook dupes and guestbook merge.", "{id} 可能与 {other} 是同一人（{reasons}）；请查看 guestbook dupes 和 guestbook merge。";
    RowLikelyDuplicate => "looks like the same person as {other} ({reasons})", "可能与 {other} 是同一人（{reasons}）";
    TuiMergeWithTitle => "Merge {id} with…", "将 {id} 与…合并";
    TuiNoDupes => "No likely duplicates of {id}.", "没有 {id} 的疑似重复档案。";
    TuiMergeKeep => "keep", "保留";
    TuiMergeGoes => "merged in", "并入";
    TuiMergeDiffers => "≠ marks a field that differs.", "≠ 表示两边不同的项目。";
    TuiHistoryTitle => "History of {id}", "{id} 的记录";
    AuditAdd => "profile created", "新建档案";
    AuditEdit => "profile edited", "修改档案";
    AuditPreferenceAdd => "preference recorded", "记录偏好";
    AuditPreferenceNote => "note on a preference", "偏好备注";
    AuditPreferenceRetire => "preference undone", "撤销偏好";
    AuditFeedbackAdd => "complaint or praise recorded", "记录投诉或表扬";
    AuditFeedbackResolve => "complaint resolved", "投诉已解决";
    AuditMerge => "profiles merged", "合并档案";
    AuditDupesNever => "marked as not a duplicate", "标记为非重复";
    AuditErase => "personal data erased", "删除个人信息";
    AuditPurge => "retention purge", "按保留期限清除";
    AuditReveal => "field shown in full", "显示完整信息";
    AuditExportGuest => "guest's data exported", "导出客人信息";
    AuditExport => "export", "导出";
    AuditImport => "import", "导入";
    AuditReportVip => "VIP sheet printed", "打印 VIP 接待单";
    AuditBackup => "backup", "备份";
    AuditRestore => "restore", "恢复";
    AuditSampleShift => "sample dates shifted", "样例日期平移";
    AuditSettings => "setting changed", "修改设置";
    AuditUserAdd => "account added", "新增账号";
    AuditUserChange => "account changed", "修改账号";
    AuditLogin => "signed in", "登录";
    AuditLoginFailed => "sign-in refused", "登录被拒";
    TuiHistoryEmpty => "Nothing on record for {id}.", "{id} 没有记录。";
    TuiVipPrinted => "VIP sheet written to {path}.", "VIP 接待单已写入 {path}。";
    TuiVipNotWritten => "The VIP sheet could not be written here or in the home directory: {reason}", "无法在当前目录或主目录写入 VIP 接待单：{reason}";
    TuiModeMerge => "Merge", "合并";
    TuiFieldBorn => "Born", "出生日期";
    TuiFieldIdDoc => "ID document", "证件";
    TuiFieldStays => "Stays", "入住次数";
    TuiModeHistory => "History", "记录";
    TuiActMergeWith => "merge with a likely duplicate", "与疑似重复档案合并";
    TuiActHistory => "the profile's history (audit log)", "档案的操作记录";
    TuiActSwap => "swap which profile is kept", "交换保留的档案";
    TuiActConfirm => "merge, keeping the left profile", "合并，保留左边的档案";
    TuiActPrintVip => "print the day's VIP sheet to an HTML file", "将当日 VIP 接待单打印为网页文件";
    // --- retention and erasure ---
    ActPurge => "purge profiles past retention", "清理超过保存期限的档案";
    ActPurgeDryRun => "list the profiles past retention", "查看超过保存期限的档案";
    ActReadDestructions => "read the destruction record", "查看销毁记录";
    ActExportGuest => "export a guest's whole record", "导出客人的全部资料";
    ActSetPseudonym => "set or clear a guest's pseudonym", "设置或取消客人的化名";
    ActReviewDupes => "list likely duplicate profiles or mark two as different people", "查看疑似重复档案或将两份档案标记为不同的人";
    ProbErased => "this guest's personal data was erased; the id takes no new data", "该客人的个人信息已删除，此编号不再接收新数据";
    ProbLegalHold => "the profile is under legal hold; lift the hold before erasing it", "该档案处于法律保全状态，须先解除保全才能删除";
    RowErasedGuest => "guest {id} was erased; this row was left out so the guest is not brought back", "客人 {id} 的个人信息已删除；此行未导入，以免恢复该客人";
    ShowErased => "Guest {id}: personal data erased on {date}; {stays} stays kept as anonymous statistics.", "客人 {id}：个人信息已于 {date} 删除；{stays} 条住店记录作为匿名统计保留。";
    PurgeSummary => "Anonymised {n} profiles whose last activity was before {cutoff}; {blocked} kept (current stay, legal hold or do not rent).", "已匿名化 {n} 份最后活动早于 {cutoff} 的档案；{blocked} 份保留（在住或预订、法律保全或禁止入住）。";
    PurgeDryRunSummary => "Would anonymise {n} profiles whose last activity was before {cutoff}; {blocked} blocked. Nothing was changed.", "将匿名化 {n} 份最后活动早于 {cutoff} 的档案；{blocked} 份受阻。未作任何更改。";
    BlockedByStay => "current stay", "在住或预订";
    NoDestructions => "No destruction records.", "没有销毁记录。";
    DestroyedOnRequest => "request", "本人申请";
    DestroyedByRetention => "retention", "保存期满";
    DestructionCounts => "{guests} profiles, {stays} stays kept, {prefs} preferences and {feedback} feedback removed", "{guests} 份档案，保留 {stays} 条住店记录，删除 {prefs} 条偏好和 {feedback} 条反馈";
    ImportErasedLeftOut => "{n} row(s) about erased guests left out (listed above): erased guests are not brought back.", "{n} 行涉及已删除的客人，未导入（见上）：已删除的客人不会被恢复。";
    GuestExported => "Wrote everything held about guest {id} to {path}.", "已将客人 {id} 的全部资料写入 {path}。";
    // --- erasure, export and retention in the TUI ---
    TuiModeRetention => "Retention", "保存期限";
    TuiActErase => "erase the guest's data on request (admin)", "应客人要求删除其个人信息（管理员）";
    TuiActExportGuest => "export the guest's whole record to a file", "将客人的全部资料导出为文件";
    TuiActRetention => "retention: dry run, purge, destructions", "保存期限：超期档案、清理、销毁记录";
    TuiActPurge => "purge profiles past retention (asks first)", "清理超期档案（先确认）";
    TuiFieldConfirm => "Type the id", "输入编号确认";
    TuiEraseTitle => "Erase the personal data of {name} ({id})", "删除 {name}（{id}）的个人信息";
    TuiEraseWarning => "This destroys the guest's name, contacts, documents, preferences and feedback for good; stays stay as anonymous statistics. Give the request's reference, then type {id} to confirm.", "此操作将永久删除该客人的姓名、联系方式、证件、偏好和反馈；住店记录作为匿名统计保留。请填写申请编号，并输入 {id} 确认。";
    TuiEraseMismatch => "type {id} exactly to confirm; nothing was erased", "请准确输入 {id} 以确认；未删除任何内容";
    TuiErased => "Erased {id}: {stays} stays kept anonymously; {prefs} preferences and {feedback} feedback removed.", "已删除 {id}：{stays} 条住店记录匿名保留，删除 {prefs} 条偏好和 {feedback} 条反馈。";
    TuiErasedMark => "ERASED", "已删除";
    TuiRecentErased => "erased on {date}", "已于 {date} 删除";
    TuiRecordNotWritten => "The guest's record could not be written here or in the home directory: {reason}", "无法在当前目录或主目录写入客人资料：{reason}";
    TuiRetentionTitle => "Retention: last activity before {cutoff}", "保存期限：最后活动早于 {cutoff}";
    TuiRetentionGoes => "Would be anonymised (id, last activity)", "将被匿名化（编号、最后活动）";
    TuiRetentionBlocked => "Blocked, kept (id, last activity, why)", "受阻保留（编号、最后活动、原因）";
    TuiDestructionsTitle => "Destruction record", "销毁记录";
    TuiNothingToPurge => "Nothing is past retention: there is nothing to purge.", "没有超过保存期限的档案，无需清理。";
    TuiPurgeConfirm => "Anonymise {n} profiles now? Their personal data is destroyed for good; stays stay as anonymous statistics. {yes}: purge  {no}: keep them", "现在匿名化 {n} 份档案？其个人信息将被永久删除，住店记录作为匿名统计保留。{yes}：清理  {no}：保留";
    TuiServerRetrying => "server unreachable — retrying", "服务器无法连接——正在重试";
    IdempotencyKeyReused => "This Idempotency-Key was already used for another request; send a new key with each write.", "此 Idempotency-Key 已用于另一个请求；每次写入请使用新的键。";
    TuiBackendServer => "server: {url}", "服务器：{url}";
    TuiSessionEnded => "Your session on the server has ended. Type your password to carry on where you were.", "您在服务器上的会话已结束。请输入密码，从刚才的位置继续。";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages_with_the_same_placeholders() {
        let placeholders = |s: &str| {
            let mut names: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            names.sort();
            names
        };
        for msg in Msg::ALL {
            let (en, zh) = (msg.text_in(Lang::En), msg.text_in(Lang::Zh));
            assert!(!en.is_empty() && !zh.is_empty(), "{msg:?}");
            assert_eq!(placeholders(en), placeholders(zh), "{msg:?}");
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        let s = Msg::GuestNotFound.fill_in(Lang::Zh, &[("id", &"G0001")]);
        assert_eq!(s, "没有编号为 G0001 的客人。");
    }

    #[test]
    fn locale_tags_pick_the_language() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::parse("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::parse("C"), Lang::En);
    }
}
