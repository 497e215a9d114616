//! The Chinese interface speaks only Chinese: every page an administrator can open, read on
//! the test bundle without the English switch, carries no English sentence (two English words
//! in a row), no file name (`visits.csv`, `rules.md`, `edit.rs`) and no "/ all" of a bilingual
//! message — outside data (codes, numbers, dates, user names) and the "X+" brand.

mod common;

use common::{household_form, App};

/// Every page route of `pages/mod.rs` that answers a GET, with ids from the test bundle.
const PAGES: &[&str] = &[
    "/workbench",
    "/workbench?year=2016",
    "/workbench/visits?year=2016",
    "/workbench/tile/visits?year=2016",
    "/assessment/run",
    "/assessment/what-if?year=2016&poverty_line=100000",
    "/exits?year=2016&step=town_approval",
    "/responsibility/341181100201/cards?year=2016",
    "/dashboard",
    "/regions",
    "/regions/341181100201",
    "/households",
    "/households?status=poor",
    "/households/new",
    "/households/H001",
    "/households/H001/assessment",
    "/households/H001/card",
    "/households/H001/history",
    "/households/H001/edit",
    "/households/H001/head",
    "/households/H001/leave",
    "/households/H001/incomes/new",
    "/households/H001/incomes/0/edit",
    "/households/H001/members/0/edit",
    "/households/H001/shares",
    "/responsibility/341181100201",
    "/monitoring",
    "/monitoring/cases",
    "/monitoring/cases?state=all",
    "/monitoring/cases/new",
    "/monitoring/cases/new?household=H002",
    "/tasks",
    "/tasks?state=all",
    "/crosscheck",
    "/chain",
    "/exits",
    "/exits/open",
    "/exits/341181100201/2016",
    "/report",
    "/report/print",
    "/imports",
    "/audit",
    "/audit?entity=households",
    "/coverage",
    "/pairings/H001",
    "/helpers",
    "/secretaries",
    "/secretaries/review",
    "/secretaries/S1",
    "/postings",
    "/postings?year=2016",
    "/party-building",
    "/party-building?year=2016",
    "/village-cadres",
    "/village-cadres?year=2016",
    "/startups",
    "/startups?year=2016",
    "/lectures",
    "/lectures?year=2016",
    "/cadres/C1/recalls",
    "/units",
    "/visits",
    "/attendance",
    "/collective",
    "/collective/villages/341181100201",
    "/assets",
    "/projects/P1",
    "/industry",
    "/industry/villages",
    "/records",
    "/users",
    "/users/admin",
    "/password",
    // Error pages: a record that does not exist, a bad year.
    "/households/NOPE",
    "/report?year=abc",
];

/// Pages allowed to stay bilingual, with why (none: the printable year report now speaks the
/// page's language; the command line's file keeps both).
const ALLOWED: &[(&str, &str)] = &[];

/// The text a reader sees: no tags, scripts or styles, entities decoded; the attributes a
/// reader sees (placeholder, title, aria-label, alt) kept.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let tag_end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..tag_end];
        let lower = tag.to_ascii_lowercase();
        for attr in ["placeholder", "title", "aria-label", "alt"] {
            if let Some(value) = attribute(tag, attr) {
                out.push(' ');
                out.push_str(&value);
                out.push(' ');
            }
        }
        // A script's or style's body is code, a textarea's is data.
        let skip_to = ["script", "style", "textarea"]
            .iter()
            .find(|name| lower.starts_with(&format!("<{name}")))
            .and_then(|name| {
                let close = format!("</{name}>");
                rest[tag_end..]
                    .to_ascii_lowercase()
                    .find(&close)
                    .map(|i| tag_end + i + close.len())
            });
        rest = &rest[skip_to.unwrap_or(tag_end)..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

/// What is wrong with the text of a Chinese page, if anything.
fn problems(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains("/ all") {
        found.push("\"/ all\"".to_string());
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "，。：；、（）()“”《》·|,;:!?".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    for w in &words {
        let w = w.trim_matches(|c: char| ".'\"".contains(c));
        for ext in [".csv", ".rs", ".md"] {
            if w.len() > ext.len() && w.ends_with(ext) {
                found.push(format!("file name {w}"));
            }
        }
    }
    // English words: letters only, two or more of them (not a code such as H001 or C1, nor
    // a unit such as kg, nor the brand X+).
    let english = |w: &str| {
        w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic()) && !matches!(w, "kg" | "km")
    };
    let mut run: Vec<&str> = Vec::new();
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == ' ' || c == '\'')) {
        for w in token.split(' ').filter(|w| !w.is_empty()) {
            if english(w) {
                run.push(w);
                continue;
            }
            if run.len() >= 2 {
                found.push(format!("English \"{}\"", run.join(" ")));
            }
            run.clear();
        }
        if run.len() >= 2 {
            found.push(format!("English \"{}\"", run.join(" ")));
        }
        run.clear();
    }
    found.sort();
    found.dedup();
    found
}

#[tokio::test]
async fn chinese_pages_carry_no_english() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    // One change through a form, so that the audit log and the household's history have a
    // sentence of a changed value to show.
    let fingerprint = app.fingerprint("H001").await;
    let form = household_form(
        &admin.csrf,
        &fingerprint,
        "341181100201",
        &[("causes", "illness;land")],
    );
    let r = app.post_form(&admin, "/households/H001/edit", &form).await;
    assert!(r.status().is_redirection(), "{}", r.status());

    let mut ledgers: Vec<String> = xplus_core::interchange::schema::ALL_FILES
        .iter()
        .map(|f| format!("/records/{}", f.name))
        .collect();
    ledgers.sort();
    let mut failures = Vec::new();
    let mut passing_but_allowed = Vec::new();
    for path in PAGES.iter().map(|p| p.to_string()).chain(ledgers) {
        let response = app.get(&admin, &path).await;
        let status = response.status().as_u16();
        let html = response.text().await.unwrap();
        assert!(status != 500, "{path}: {status}\n{html}");
        let found = problems(&visible(&html));
        let allowed = ALLOWED.iter().any(|(p, _)| *p == path);
        match (found.is_empty(), allowed) {
            (false, false) => failures.push(format!("{path} ({status}): {}", found.join("; "))),
            (true, true) => passing_but_allowed.push(path),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        passing_but_allowed.is_empty(),
        "now in Chinese only, remove from ALLOWED: {passing_but_allowed:?}"
    );

    // The sign-in page, before any session.
    let login = app
        .http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let found = problems(&visible(&login.text().await.unwrap()));
    assert!(found.is_empty(), "/login: {found:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn messages_show_the_language_of_the_page() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    // An error page in Chinese, then with the English switch; the API keeps both halves.
    let zh = app.page_text(&admin, "/households/NOPE").await;
    assert!(zh.contains("找不到该页面或记录"), "{zh}");
    assert!(!zh.contains("not found"), "{zh}");
    let en = app.page_text(&admin, "/households/NOPE?lang=en").await;
    assert!(en.contains("not found (or outside your reach)"), "{en}");
    assert!(!en.contains("找不到"), "{en}");
    let api = app.get(&admin, "/api/v1/households/NOPE").await;
    assert_eq!(api.status().as_u16(), 404);
    let problem: serde_json::Value = api.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("找不到") && detail.contains("not found"),
        "{detail}"
    );

    // The audit log reads as sentences: the change made through the form, by its label.
    let fingerprint = app.fingerprint("H001").await;
    let form = household_form(
        &admin.csrf,
        &fingerprint,
        "341181100201",
        &[("causes", "illness;land")],
    );
    app.post_form(&admin, "/households/H001/edit", &form).await;
    let audit = visible(&app.page_text(&admin, "/audit").await);
    assert!(
        audit.contains("admin 修改了 户 H001的 致贫原因：因病、缺技术 → 因病、缺土地"),
        "{audit}"
    );
    assert!(audit.contains("test 新增了 账号 zhaojun"), "{audit}");
    // The harness imports from a temporary folder, as a web upload does.
    assert!(audit.contains("导入了 网页上传的数据包"), "{audit}");
    assert!(audit.contains("贫困户 3 行"), "{audit}");
    assert!(!audit.contains('{') && !audit.contains("/tmp"), "{audit}");
    let household = visible(&app.page_text(&admin, "/households/H001").await);
    assert!(household.contains("admin 修改了 户 H001"), "{household}");
    app.cleanup().await;
}

#[test]
fn the_check_itself() {
    assert!(problems("户 H001 修改了 3,120.00 → 3,480.00 kg X+ 导出 Excel").is_empty());
    assert_eq!(problems("全部 / all"), vec!["\"/ all\"".to_string()]);
    assert_eq!(
        problems("见 visits.csv"),
        vec!["file name visits.csv".to_string()]
    );
    assert_eq!(
        problems("找不到 / not found"),
        vec!["English \"not found\"".to_string()]
    );
    assert_eq!(
        visible("<p title=\"提示\">甲<script>var a = \"two words\";</script>乙</p>"),
        "  提示 甲 乙 "
    );
}
