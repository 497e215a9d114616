//! 年度报告 in the browser: the figures of a year or a day within the account's reach, the
//! printable report under its own policy (inline style, no script), the workbook, the year
//! remembered from one report page to the next, a day after today refused.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn the_yearly_report_of_a_year_or_a_day_prints_and_exports() {
    let app = App::start().await;
    let s = app.sign_in("tianchang").await;
    let page = app.page_text(&s, "/report?year=2016").await;
    assert!(
        page.contains("年度报告") && page.contains("id=\"figures\"") && page.contains("2016"),
        "{page}"
    );
    assert!(page.contains("/report/print?year=2016"), "{page}");
    // The case report's figures, counted, beside its own numbers in its year (2016) only.
    assert!(
        page.contains("id=\"case\"") && page.contains("更新升级远教站点") && page.contains("4.5万"),
        "{page}"
    );

    let print = app.get(&s, "/report/print?year=2016").await;
    assert_eq!(print.status(), 200);
    let policy = print.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("style-src 'unsafe-inline'") && policy.contains("default-src 'none'"),
        "{policy}"
    );
    let body = print.text().await.unwrap();
    assert!(
        body.contains("2016 年") && !body.contains("<script"),
        "{body}"
    );
    assert!(
        body.contains("id=\"case-figures\"") && body.contains("是否相符"),
        "{body}"
    );

    let workbook = app.get(&s, "/report.xlsx?year=2016").await;
    assert_eq!(workbook.status(), 200);
    assert!(workbook.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(workbook.bytes().await.unwrap().starts_with(b"PK"));

    // A day: the report says so; a day after today is refused.
    let day = app.page_text(&s, "/report?as_of=2016-06-30").await;
    assert!(day.contains("截至 2016-06-30"), "{day}");
    assert_eq!(app.get(&s, "/report?as_of=2999-01-01").await.status(), 400);
    // Out of reach: another county.
    assert_eq!(
        app.get(&s, "/report?year=2016&region=341102000000")
            .await
            .status(),
        403
    );

    // The year chosen on another report page opens the report.
    let chosen = app.get(&s, "/monitoring?year=2015").await;
    let kept = chosen.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(kept.starts_with("xplus_year=2015;"), "{kept}");
    let mut s = s;
    s.cookie = format!("{}; xplus_year=2015", s.cookie);
    let page = app.page_text(&s, "/report").await;
    assert!(page.contains("value=\"2015\""), "{page}");
    assert!(
        page.contains("id=\"case\"") && !page.contains("4.5万"),
        "{page}"
    );
    app.cleanup().await;
}
