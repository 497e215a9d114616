//! 政策假设测算 (issue 23): an official changes the assessment's settings for their region and
//! sees what would change, with nothing recorded; the workbook lists every change.

mod common;

use common::App;
use std::io::Cursor;

#[tokio::test(flavor = "multi_thread")]
async fn an_official_sees_what_a_higher_line_would_change_and_nothing_is_recorded() {
    let app = App::start().await;
    let county = app.sign_in("tianchang").await;
    let secretary = app.sign_in("jiacun").await;
    assert_eq!(
        app.get(&secretary, "/assessment/what-if?year=2016")
            .await
            .status()
            .as_u16(),
        403
    );
    // The form alone: the values in force, and no result.
    let form = app
        .page_text(&county, "/assessment/what-if?year=2016")
        .await;
    assert!(
        form.contains("政策假设测算") && form.contains("2952.00"),
        "{form}"
    );
    assert!(!form.contains("what-if-result"), "{form}");

    let before = app.fingerprint("H001").await;
    let rules_before = app
        .page_text(&county, "/assessment/what-if?year=2016")
        .await;
    let page = app
        .page_text(&county, "/assessment/what-if?year=2016&poverty_line=100000")
        .await;
    assert!(page.contains("id=\"what-if-result\""), "{page}");
    // 王大明's household meets the 2016 line and not one of 100,000 yuan.
    let households = &page[page.find("what-if-households").unwrap()..];
    assert!(households.contains(">H001<"), "{households}");
    assert!(
        page.contains("<td>符合退出标准（户）</td><td>1</td><td>0</td><td>-1</td>"),
        "{page}"
    );
    // Nothing recorded: the household and the rules in force are as they were.
    assert_eq!(app.fingerprint("H001").await, before);
    assert_eq!(
        app.page_text(&county, "/assessment/what-if?year=2016")
            .await,
        rules_before
    );

    // The workbook lists the same change.
    let export = app
        .get(
            &county,
            "/assessment/what-if.xlsx?year=2016&poverty_line=100000",
        )
        .await;
    assert_eq!(export.status().as_u16(), 200);
    let bytes = export.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("假设测算").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        rows.iter()
            .any(|r| r[0] == "户" && r[1] == "H001" && r[3] == "符合" && r[4] == "不符合"),
        "{rows:?}"
    );
    // It names what it was made under.
    let named: Vec<Vec<String>> = book
        .worksheet_range("假设设置")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        named[1],
        [
            "扶贫标准（元/人·年）",
            "poverty_line",
            "100000.00",
            "341181000000",
            "2016"
        ]
    );
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_value_is_named_and_nothing_is_run() {
    let app = App::start().await;
    let county = app.sign_in("tianchang").await;
    let page = app
        .page_text(
            &county,
            "/assessment/what-if?year=2016&poverty_line=abc&village_incidence_bp=20000",
        )
        .await;
    assert!(page.contains("id=\"what-if-problems\""), "{page}");
    assert!(page.contains("金额“abc”无效"), "{page}");
    assert!(page.contains("不能取值 20000"), "{page}");
    assert!(!page.contains("what-if-result"), "{page}");
    assert!(
        !page.contains(" / "),
        "the Chinese page has no English half: {page}"
    );
    let r = app
        .get(
            &county,
            "/assessment/what-if.xlsx?year=2016&poverty_line=abc",
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_official_sees_only_the_figures_and_changes_of_their_own_region() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let county = app.sign_in("tianchang").await;
    let path = "/assessment/what-if?year=2016&poverty_line=100000";
    // The administrator's figures count 丙村's H101 (琅琊区) as well as 甲村's H001…
    let everywhere = app.page_text(&admin, path).await;
    assert!(
        everywhere.contains("<td>年初贫困户（户）</td><td>2</td><td>2</td>"),
        "{everywhere}"
    );
    // …天长市's official counts and lists 天长市's alone.
    let own = app.page_text(&county, path).await;
    assert!(
        own.contains("<td>年初贫困户（户）</td><td>1</td><td>1</td>"),
        "{own}"
    );
    assert!(
        own.contains("结果改变的贫困户（1）") && !own.contains("H101"),
        "{own}"
    );
    app.cleanup().await;
}

/// The server keeps what it read of each county between what-ifs; a write in the county makes
/// the next what-if read it again, before and after the roll-ups are brought up to date.
#[tokio::test(flavor = "multi_thread")]
async fn a_what_if_after_a_write_reads_the_county_again() {
    let app = App::start().await;
    let county = app.sign_in("tianchang").await;
    let path = "/assessment/what-if?year=2016&poverty_line=100000";
    let eligible = |n: u32| format!("<td>符合退出标准（户）</td><td>{n}</td><td>0</td>");
    // The dashboard brings the roll-ups up to date, so the county's facts are kept.
    app.page_text(&county, "/dashboard").await;
    let first = app.page_text(&county, path).await;
    assert!(first.contains(&eligible(1)), "{first}");
    let kept = app.page_text(&county, path).await;
    assert!(kept.contains(&eligible(1)), "{kept}");

    // H001's 2016 income corrected below the line in force: not eligible under either.
    let s = app.sign_in("jiacun").await;
    let page = app
        .page_text(&s, "/households/H001/incomes/2016/edit")
        .await;
    let fingerprint = common::hidden(&page, "_fingerprint");
    let form = [
        ("_csrf", s.csrf.as_str()),
        ("_fingerprint", fingerprint.as_str()),
        ("household_id", "H001"),
        ("year", "2016"),
        ("wage", "1000"),
        ("production", "0"),
        ("property", "0"),
        ("transfer", "0"),
        ("production_cost", "0"),
        ("medical_cost", ""),
        ("reason", "工资收入复核多记"),
    ];
    let r = app.post_form(&s, "/households/H001/incomes", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    // Marked and not yet refreshed: read again.
    let marked = app.page_text(&county, path).await;
    assert!(marked.contains(&eligible(0)), "{marked}");
    // Refreshed: the county's stamp moved on, so what was kept before is not used.
    app.page_text(&county, "/dashboard").await;
    let refreshed = app.page_text(&county, path).await;
    assert!(refreshed.contains(&eligible(0)), "{refreshed}");
    let again = app.page_text(&county, path).await;
    assert!(again.contains(&eligible(0)), "{again}");
    app.cleanup().await;
}
