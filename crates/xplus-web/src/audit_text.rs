//! Audit entries as sentences ("王科长 修改了 户 H1 2016 年的收入：工资性收入 3,120.00 → 3,480.00"):
//! the operation by its name, the record by its table's Chinese name and key, the changed fields
//! by their column labels, money as yuan with two decimals. The stored entry (and its hash)
//! stays as it is; only its reading changes. The same lines serve `/audit` and a household's
//! change history.

use crate::auth::Signed;
use crate::i18n::Lang;
use serde_json::{Map, Value as Json};
use xplus_core::accounts::Role;
use xplus_core::assessment::procedure::ExitStep;
use xplus_core::audit::AuditEntry;
use xplus_core::interchange::schema::{find_file, Column, ColumnType, FileId, FileSpec};
use xplus_core::rules::Parameter;
use xplus_core::Fen;

/// One entry as shown.
pub struct AuditLine {
    pub seq: i64,
    /// Local reading of the UTC time: "2026-11-29 08:00:00".
    pub at: String,
    pub sentence: String,
    /// The values, one line each, when more than one changed.
    pub details: Vec<String>,
}

impl AuditLine {
    /// An entry as shown to `user`: identity numbers in it are masked for those who see them
    /// masked elsewhere.
    pub fn of(user: &Signed, l: Lang, e: &AuditEntry) -> AuditLine {
        let shown = |text: &str| user.access.id_numbers_in(text);
        let (sentence, details) = describe(l, e);
        AuditLine {
            seq: e.seq,
            at: e
                .at
                .replace('T', " ")
                .trim_end_matches('Z')
                .chars()
                .take(19)
                .collect(),
            sentence: shown(&sentence),
            details: details.iter().map(|d| shown(d)).collect(),
        }
    }
}

/// Yuan with two decimals and thousands separators: 3,120.00.
pub fn yuan(f: Fen) -> String {
    let plain = f.to_string();
    let (sign, digits) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}.{frac}")
}

/// The sentence of an entry and, when several values changed, one line per value.
pub fn describe(l: Lang, e: &AuditEntry) -> (String, Vec<String>) {
    let parse = |v: &Option<String>| {
        v.as_deref()
            .and_then(|t| serde_json::from_str::<Json>(t).ok())
    };
    let (old, new) = (parse(&e.old_values), parse(&e.new_values));
    let actor = actor(l, &e.actor);
    let verb = verb(l, &e.action);
    let spec = find_file(&e.entity)
        .filter(|_| matches!(e.action.as_str(), "insert" | "update" | "delete"));
    let (subject, mut details) = match spec {
        Some(spec) => (
            record(l, spec, &e.record_key),
            changes(l, Some(spec), old.as_ref(), new.as_ref()),
        ),
        None => special(l, e, old.as_ref(), new.as_ref()),
    };
    if details.len() == 1 && e.action == "update" {
        let only = details.remove(0);
        // "户 H001的 致贫原因：…"; a record named with more words takes a comma instead.
        let household = spec.is_some_and(|s| s.id == FileId::Households);
        let sentence = match l {
            Lang::Zh if household => format!("{actor} {verb} {subject}的 {only}"),
            Lang::Zh => format!("{actor} {verb} {subject}，{only}"),
            Lang::En => format!("{actor} {verb} {subject}: {only}"),
        };
        return (sentence, details);
    }
    (format!("{actor} {verb} {subject}"), details)
}

fn actor(l: Lang, actor: &str) -> String {
    match actor.strip_prefix("cli:") {
        Some(name) => format!("{name}{}", l.t("（命令行）", " (command line)")),
        None => actor.to_string(),
    }
}

fn verb(l: Lang, action: &str) -> String {
    let (zh, en) = match action {
        "insert" => ("新增了", "added"),
        "update" => ("修改了", "changed"),
        "delete" => ("删除了", "removed"),
        "import" => ("导入了", "imported"),
        "assessment" => ("运行了", "ran"),
        "exit_procedure" => ("办理了", "recorded"),
        "dividends" => ("发放了", "paid"),
        "equity_adjustment" => ("办理了", "applied"),
        "review_criteria" => ("设定了", "set"),
        "secretary_review" => ("评议了", "reviewed"),
        "rule_setting" => ("设定了", "set"),
        other => (other, other),
    };
    l.t(zh, en).to_string()
}

/// A record by its key: "户 H1", "户 H1 2016 年的收入".
fn record(l: Lang, spec: &FileSpec, key: &str) -> String {
    let cells: Vec<&str> = key.split(" / ").collect();
    let parts: Vec<String> = spec
        .key
        .iter()
        .zip(&cells)
        .map(|(&i, v)| {
            let c = &spec.columns[i];
            let household =
                c.refers == Some(FileId::Households) || (spec.id == FileId::Households && i == 0);
            match c.ty {
                _ if household => format!("{} {v}", l.t("户", "household")),
                ColumnType::Year => format!("{v}{}", l.t("年", "")),
                _ => format!("{} {v}", l.t(c.zh, c.en)),
            }
        })
        .collect();
    let named = if parts.is_empty() {
        key.to_string()
    } else {
        parts.join(" ")
    };
    match (l, spec.id) {
        (_, FileId::Households) => named,
        (Lang::Zh, _) => format!("{named}的{}", spec.zh),
        (Lang::En, _) => format!("{} of {named}", spec.name.replace('_', " ")),
    }
}

/// The operations that are not one row's change: a whole import, an assessment, a step of an
/// exit procedure, accounts.
fn special(
    l: Lang,
    e: &AuditEntry,
    old: Option<&Json>,
    new: Option<&Json>,
) -> (String, Vec<String>) {
    let key = e.record_key.as_str();
    let parts: Vec<&str> = key.split(':').collect();
    let subject = match (e.action.as_str(), e.entity.as_str()) {
        ("import", _) => {
            let uploaded = new
                .and_then(|n| n.get("uploaded_as"))
                .and_then(Json::as_str);
            return (bundle(l, key, uploaded), import_rows(l, new));
        }
        ("assessment", _) => format!("{key}{}", l.t(" 年度评估", " assessment")),
        ("exit_procedure", _) => {
            let step = new
                .and_then(|n| n.get("step"))
                .and_then(Json::as_str)
                .and_then(ExitStep::parse)
                .map(|s| l.label(s.code(), s.label_zh()))
                .unwrap_or_default();
            format!(
                "{} {} {}{}（{step}）",
                l.t("村", "village"),
                parts.first().unwrap_or(&""),
                parts.get(1).unwrap_or(&""),
                l.t(" 年退出批次", " exit batch"),
            )
        }
        ("dividends", _) => format!("{key}{}", l.t(" 年分红", " dividends")),
        ("equity_adjustment", _) => format!("{key}{}", l.t(" 年股权调整", " share adjustment")),
        ("review_criteria", _) => format!(
            "{} {}{}",
            parts.first().unwrap_or(&""),
            parts.get(1).unwrap_or(&""),
            l.t(" 年书记考评指标", " review criteria")
        ),
        ("secretary_review", _) => format!(
            "{} {} {}{}",
            l.t("书记", "secretary"),
            parts.first().unwrap_or(&""),
            parts.get(1).unwrap_or(&""),
            l.t(" 年的考评", " review")
        ),
        ("rule_setting", _) => {
            let name = parts
                .first()
                .and_then(|p| Parameter::parse(p))
                .map(|p| l.label(p.code(), p.label_zh()))
                .unwrap_or_else(|| parts.first().unwrap_or(&"").to_string());
            let region = parts.get(1).filter(|r| !r.is_empty());
            let region = region.map_or_else(
                || l.t("默认", "default").to_string(),
                |r| format!("{} {r}", l.t("区划", "region")),
            );
            format!(
                "{}「{name}」（{region}，{}）",
                l.t("规则", "rule"),
                parts.get(2).unwrap_or(&"")
            )
        }
        (_, "users") => format!("{} {key}", l.t("账号", "account")),
        (_, "api_tokens") => format!(
            "{} {key} {}",
            l.t("账号", "account"),
            l.t("的接口令牌", "API token")
        ),
        (_, entity) => format!("{entity} {key}"),
    };
    (subject, changes(l, None, old, new))
}

/// An import's bundle by the name its user knows: a web upload by the names of the files
/// uploaded (`uploaded`), a bundle read where it lies by its folder or file. Entries written
/// before uploads carried their names are known by their temporary folder, which is no name.
fn bundle(l: Lang, path: &str, uploaded: Option<&str>) -> String {
    let web = l.t("网页上传的数据包", "the bundle uploaded on the web");
    if let Some(names) = uploaded.filter(|n| !n.is_empty()) {
        // A city's 43 CSV files are named by the first (the entry keeps them all).
        let files: Vec<&str> = names.split(", ").collect();
        return match files.as_slice() {
            [first, _, _, _, ..] => l
                .t(
                    &format!("{web}「{first}」等 {} 个文件", files.len()),
                    &format!("{web} {first} and {} more files", files.len() - 1),
                )
                .to_string(),
            _ => format!("{web}「{names}」"),
        };
    }
    let p = std::path::Path::new(path);
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = p.starts_with(std::env::temp_dir()) || p.starts_with("/tmp");
    match (temporary, name.starts_with(".tmp") || name.is_empty()) {
        (true, true) => l
            .t("网页上传的数据包", "a bundle uploaded on the web")
            .to_string(),
        (true, false) => format!("{web}「{name}」"),
        (false, _) => format!("{}「{name}」", l.t("数据包", "the bundle")),
    }
}

/// The rows an import wrote, by table: "贫困户 120 行".
fn import_rows(l: Lang, new: Option<&Json>) -> Vec<String> {
    let mut out: Vec<String> = new
        .and_then(|n| n.get("rows"))
        .and_then(Json::as_object)
        .map(|rows| {
            rows.iter()
                .map(|(file, n)| {
                    let name = find_file(file).map_or(file.as_str(), |s| l.t(s.zh, s.name));
                    format!("{name} {n} {}", l.t("行", "rows"))
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(w) = (new.and_then(|n| n.get("warnings")).and_then(Json::as_u64)).filter(|w| *w > 0)
    {
        out.push(
            format!("{} {w} {}", l.t("提示", "warnings:"), l.t("条", ""))
                .trim_end()
                .to_string(),
        );
    }
    out
}

/// The values of an entry, one line each: "工资性收入：3,120.00 → 3,480.00" for a change, the
/// value alone for an addition or a removal.
fn changes(
    l: Lang,
    spec: Option<&FileSpec>,
    old: Option<&Json>,
    new: Option<&Json>,
) -> Vec<String> {
    let empty = Map::new();
    let as_map = |v: Option<&Json>| v.and_then(Json::as_object).cloned();
    let (old_map, new_map) = (as_map(old), as_map(new));
    let names: Vec<&String> = match (&old_map, &new_map) {
        (_, Some(n)) => n.keys().collect(),
        (Some(o), None) => o.keys().collect(),
        (None, None) => Vec::new(),
    };
    let mut out = Vec::new();
    for name in names {
        let column = spec.and_then(|s| s.column_index(name).map(|i| &s.columns[i]));
        let label = column.map_or_else(|| field_label(l, name), |c| l.t(c.zh, c.en).to_string());
        let text = |v: Option<&Json>| value(l, column, name, v);
        let after = new_map.as_ref().unwrap_or(&empty).get(name);
        match (old_map.as_ref(), new_map.as_ref()) {
            (Some(o), Some(_)) => {
                out.push(format!("{label}：{} → {}", text(o.get(name)), text(after)))
            }
            (Some(o), None) => out.push(format!("{label}：{}", text(o.get(name)))),
            _ if after.is_none_or(Json::is_null) => {}
            _ => out.push(format!("{label}：{}", text(after))),
        }
    }
    // A value that is not an object (a list of criteria): its items.
    if out.is_empty() {
        if let Some(v) = new.filter(|v| !v.is_object()) {
            out.push(value(l, None, "", Some(v)));
        }
    }
    out
}

/// Labels of the values the operations that are not a table's row record.
fn field_label(l: Lang, name: &str) -> String {
    let (zh, en) = match name {
        "disabled" => ("停用", "disabled"),
        "password" => ("密码", "password"),
        "must_change_password" => ("须修改密码", "must change password"),
        "sessions_ended" => ("结束的登录会话", "sessions ended"),
        "label" => ("名称", "label"),
        "expires_at" => ("有效期至", "expires"),
        "revoked_at" => ("撤销时间", "revoked"),
        "role" => ("角色", "role"),
        "region_code" => ("区划", "region"),
        "cadre_id" => ("干部编号", "cadre"),
        "year" => ("年度", "year"),
        "date" => ("日期", "date"),
        "step" => ("步骤", "step"),
        "village" => ("村", "village"),
        "households" => ("户", "households"),
        "agreed" => ("评议同意的户", "agreed"),
        "attendees" => ("到会人数", "attendees"),
        "notice" => ("公示", "notice"),
        "start" => ("开始", "start"),
        "last_day" => ("截止", "last day"),
        "days_source" => ("天数依据", "days set by"),
        "objection" => ("异议", "objection"),
        "resolved" => ("异议处理", "objection resolved"),
        "no" => ("序号", "no."),
        "household" => ("户", "household"),
        "raised_on" => ("提出日期", "raised on"),
        "raised_by" => ("提出人", "raised by"),
        "content" => ("内容", "content"),
        "resolution" => ("处理结果", "resolution"),
        "upheld" => ("异议成立", "upheld"),
        "opinion" => ("意见", "opinion"),
        "exited" => ("脱贫的户", "exited"),
        "projects" => ("项目", "projects"),
        "payments" => ("发放笔数", "payments"),
        "paid_fen" => ("发放金额（元）", "paid (yuan)"),
        "events" => ("股权变动", "share events"),
        "kept_pledged" => ("质押中保留的股权", "kept while pledged"),
        "unserved" => ("未能调整的户", "not served"),
        "value" => ("数值", "value"),
        "source" => ("依据", "source"),
        "summary" => ("评估结果", "summary"),
        "recorded" => ("写入的结果", "recorded"),
        "counties" => ("县区数", "counties"),
        "eligible" => ("符合脱贫条件的户", "eligible households"),
        "persons" => ("人数", "persons"),
        "eligible_persons" => ("符合脱贫条件的人数", "eligible persons"),
        "villages" => ("贫困村", "poor villages"),
        "villages_eligible" => ("符合出列条件的村", "eligible villages"),
        "watched" => ("已脱贫或监测中的户", "watched"),
        "returned" => ("返贫", "returned"),
        "monitored" => ("纳入监测", "monitored"),
        "stable" => ("稳定脱贫", "stable"),
        "exits" => ("脱贫", "exits"),
        "risk_removed" => ("消除风险", "risk removed"),
        "villages_exited" => ("出列的村", "villages exited"),
        "exited_not_eligible" => ("已记脱贫但不符合条件的户", "exited but not eligible"),
        "villages_exited_not_eligible" => (
            "已记出列但不符合条件的村",
            "villages exited but not eligible",
        ),
        "awaiting_procedure" => ("待退出程序的户", "awaiting the procedure"),
        "withdrawn_by_procedure" => ("程序中未通过的户", "withdrawn by the procedure"),
        "already_recorded" => ("此前已写入", "already recorded"),
        other => (other, other),
    };
    l.t(zh, en).to_string()
}

/// One value in words: money in yuan, enumerations by their labels, yes/no, lists joined.
fn value(l: Lang, column: Option<&Column>, name: &str, v: Option<&Json>) -> String {
    let none = || l.t("（空）", "(empty)").to_string();
    let Some(v) = v else { return none() };
    match v {
        Json::Null => none(),
        Json::Bool(b) => l
            .t(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" })
            .to_string(),
        Json::Number(n) if name == "paid_fen" => n.as_i64().map_or(n.to_string(), |f| yuan(Fen(f))),
        Json::Number(n) => n.to_string(),
        Json::String(s) => text_value(l, column, name, s),
        Json::Array(items) if items.len() > 8 => format!("{} {}", items.len(), l.t("项", "items")),
        Json::Array(items) => items
            .iter()
            .map(|i| value(l, None, "", Some(i)))
            .collect::<Vec<_>>()
            .join(l.t("、", ", ")),
        Json::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{}：{}", field_label(l, k), value(l, None, k, Some(v))))
            .collect::<Vec<_>>()
            .join(l.t("，", "; ")),
    }
}

fn text_value(l: Lang, column: Option<&Column>, name: &str, s: &str) -> String {
    if l.is_en() {
        return s.to_string();
    }
    let label = |spec: &xplus_core::labels::EnumSpec, code: &str| {
        spec.label_zh(code).unwrap_or(code).to_string()
    };
    match (column.map(|c| c.ty), name) {
        (Some(ColumnType::Money { .. }), _) => Fen::parse(s).map_or(s.to_string(), yuan),
        (Some(ColumnType::Enum(spec)), _) => label(spec, s),
        (Some(ColumnType::Multi(spec)), _) => s
            .split(';')
            .map(|c| label(spec, c))
            .collect::<Vec<_>>()
            .join("、"),
        (Some(ColumnType::Bool), _) => match s {
            "1" | "true" => "是".into(),
            "0" | "false" => "否".into(),
            other => other.into(),
        },
        (_, "role") => Role::parse(s).map_or(s.to_string(), |r| r.label_zh().to_string()),
        (_, "password") => match s {
            "reset" => "已重置".into(),
            "changed" => "本人已修改".into(),
            other => other.into(),
        },
        (_, "step") => ExitStep::parse(s).map_or(s.to_string(), |x| x.label_zh().to_string()),
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        action: &str,
        entity: &str,
        key: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: "2026-11-29T08:00:00.000Z".into(),
            actor: "王科长".into(),
            action: action.into(),
            entity: entity.into(),
            record_key: key.into(),
            old_values: old.map(str::to_string),
            new_values: new.map(str::to_string),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_changed_value_is_one_sentence() {
        let e = entry(
            "update",
            "incomes",
            "H1 / 2016",
            Some(r#"{"wage":"3120.00"}"#),
            Some(r#"{"wage":"13480.00"}"#),
        );
        let (s, d) = describe(Lang::Zh, &e);
        assert_eq!(
            s,
            "王科长 修改了 户 H1 2016年的收入，工资性收入：3,120.00 → 13,480.00"
        );
        assert!(d.is_empty());
        let e = entry(
            "update",
            "households",
            "H1",
            Some(r#"{"status":"poor","phone":null}"#),
            Some(r#"{"status":"exited","phone":"123"}"#),
        );
        let (s, d) = describe(Lang::Zh, &e);
        assert_eq!(s, "王科长 修改了 户 H1");
        assert!(
            d.contains(&"状态：贫困 → 已脱贫".to_string())
                || d.iter().any(|x| x.contains("→ 已脱贫")),
            "{d:?}"
        );
        assert!(d.iter().any(|x| x.contains("（空） → 123")), "{d:?}");
    }

    #[test]
    fn an_upload_is_no_path() {
        let tmp = std::env::temp_dir().join(".tmpAbC123");
        let e = entry(
            "import",
            "bundle",
            &tmp.display().to_string(),
            None,
            Some(r#"{"rows":{"households":3},"warnings":2}"#),
        );
        let (s, d) = describe(Lang::Zh, &e);
        assert_eq!(s, "王科长 导入了 网页上传的数据包");
        assert_eq!(d, vec!["贫困户 3 行", "提示 2 条"]);
        // An upload that carries the names its user gave the files is known by them.
        let e = entry(
            "import",
            "bundle",
            &tmp.join("upload").display().to_string(),
            None,
            Some(r#"{"rows":{"households":3},"warnings":0,"uploaded_as":"city-2016.zip"}"#),
        );
        assert_eq!(
            describe(Lang::Zh, &e).0,
            "王科长 导入了 网页上传的数据包「city-2016.zip」"
        );
        let many = r#"{"rows":{},"warnings":0,"uploaded_as":"a.csv, b.csv, c.csv, d.csv"}"#;
        let e = entry("import", "bundle", "/tmp/x/upload", None, Some(many));
        assert_eq!(
            describe(Lang::Zh, &e).0,
            "王科长 导入了 网页上传的数据包「a.csv」等 4 个文件"
        );
        let e = entry("import", "bundle", "/home/office/city-2016", None, None);
        assert_eq!(
            describe(Lang::Zh, &e).0,
            "王科长 导入了 数据包「city-2016」"
        );
    }

    #[test]
    fn yuan_is_grouped() {
        assert_eq!(yuan(Fen(312000)), "3,120.00");
        assert_eq!(yuan(Fen(-123456789)), "-1,234,567.89");
        assert_eq!(yuan(Fen(5)), "0.05");
    }
}
