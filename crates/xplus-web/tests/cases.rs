//! Monitoring through the year from the pages (issue 21): a county official records a
//! household's declaration and a round that finds a household outside the registry; a second
//! declaration, a bad sum and a closing without help are refused with the reason and keep what
//! was typed; a measure and a closing at the line remove the risk; another county cannot reach
//! the case, an auditor cannot change it, and the Chinese pages speak only Chinese.

mod common;

use common::{id, App};

/// No "中文 / English" message: a slash before an English word (the pager's "1 / 1" is fine).
fn no_english(page: &str) {
    let english = page
        .match_indices(" / ")
        .any(|(i, _)| page[i + 3..].starts_with(|c: char| c.is_ascii_alphabetic()));
    assert!(!english, "a bilingual message in Chinese: {page}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_official_records_a_declaration_helps_and_removes_the_risk() {
    let app = App::start().await;
    let official = app.sign_in("tianchang").await;
    let form = app
        .page_text(&official, "/monitoring/cases/new?household=H002")
        .await;
    assert!(
        form.contains("农户自主申报") && form.contains("H002"),
        "{form}"
    );
    no_english(&form);
    // H002, exited in 2015, one member: 2017's line is 2,952.00 × 150 % = 4,428.00 yuan.
    let declared = [
        ("_csrf", official.csrf.as_str()),
        ("household", "H002"),
        ("source", "declaration"),
        ("on", "2017-01-05"),
        ("net_income", "4427.99"),
        ("rigid_expense", ""),
        ("situation", "因病无法务工"),
    ];
    let sent = app
        .post_form(&official, "/monitoring/cases/new", &declared)
        .await;
    assert_eq!(sent.status().as_u16(), 303);
    let case = sent.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(case, "/monitoring/cases/JC341181201700001");
    let again = app
        .post_form(&official, "/monitoring/cases/new", &declared)
        .await;
    assert_eq!(again.status().as_u16(), 409);
    let text = again.text().await.unwrap();
    assert!(text.contains("已是监测对象"), "{text}");
    no_english(&text);

    // Outside the registry; a sum that is not money is refused and the name is kept.
    let qian = id(341181, "1980-01-01", 33);
    let mut outside = vec![
        ("_csrf", official.csrf.as_str()),
        ("source", "round"),
        ("village", "341181100202"),
        ("head_name", "钱七"),
        ("id_number", qian.as_str()),
        ("members", "2"),
        ("on", "2017-01-06"),
        ("net_income", "三千"),
        ("situation", "入户排查发现"),
    ];
    let bad = app
        .post_form(&official, "/monitoring/cases/new", &outside)
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let text = bad.text().await.unwrap();
    assert!(text.contains("不是金额") && text.contains("钱七"), "{text}");
    outside[7] = ("net_income", "3000");
    let edge = app
        .post_form(&official, "/monitoring/cases/new", &outside)
        .await;
    assert_eq!(edge.status().as_u16(), 303);
    let edge = edge.headers()["location"].to_str().unwrap().to_string();
    let page = app.page_text(&official, &edge).await;
    assert!(
        page.contains("边缘易致贫户") && page.contains("未建档"),
        "{page}"
    );

    // The risk is removed only after a measure.
    let page = app.page_text(&official, &case).await;
    assert!(
        page.contains("脱贫不稳定户") && page.contains("尚未落实帮扶措施"),
        "{page}"
    );
    no_english(&page);
    let closing = [
        ("_csrf", official.csrf.as_str()),
        ("on", "2017-02-01"),
        ("net_income", "4428"),
        ("members", "1"),
        ("reason", "享受低保后收入稳定"),
    ];
    let refused = app
        .post_form(&official, &format!("{case}/close"), &closing)
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let text = refused.text().await.unwrap();
    assert!(text.contains("尚未落实帮扶措施，不能消除风险"), "{text}");
    assert!(
        text.contains("享受低保后收入稳定"),
        "the reason typed is kept: {text}"
    );
    no_english(&text);
    let measure = [
        ("_csrf", official.csrf.as_str()),
        ("kind", "assistance"),
        ("detail", "纳入农村低保"),
        ("responsible", "赵军"),
        ("on", "2017-01-20"),
    ];
    let auditor = app.sign_in("auditor").await;
    let mut as_auditor = measure;
    as_auditor[0] = ("_csrf", auditor.csrf.as_str());
    let forbidden = app
        .post_form(&auditor, &format!("{case}/measures"), &as_auditor)
        .await;
    assert_eq!(forbidden.status().as_u16(), 403);
    let added = app
        .post_form(&official, &format!("{case}/measures"), &measure)
        .await;
    assert_eq!(added.status().as_u16(), 303);
    let closed = app
        .post_form(&official, &format!("{case}/close"), &closing)
        .await;
    assert_eq!(closed.status().as_u16(), 303);
    let page = app.page_text(&official, &case).await;
    assert!(
        page.contains("纳入农村低保") && page.contains("享受低保后收入稳定"),
        "{page}"
    );

    // Lists, the monitoring page and the household page.
    let list = app
        .page_text(&official, "/monitoring/cases?state=closed")
        .await;
    assert!(list.contains("JC341181201700001"), "{list}");
    let open = app.page_text(&official, "/monitoring/cases").await;
    assert!(open.contains("JC341181201700002") && !open.contains("JC341181201700001"));
    no_english(&open);
    let monitoring = app.page_text(&official, "/monitoring").await;
    assert!(monitoring.contains("边缘易致贫户"), "{monitoring}");
    let household = app.page_text(&official, "/households/H002").await;
    assert!(household.contains("JC341181201700001"), "{household}");
    // The list as a workbook: every case of the filters, as text, the ID number masked.
    let book = app.get(&official, "/monitoring/cases.xlsx?state=all").await;
    assert_eq!(book.status().as_u16(), 200);
    let bytes = book.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("监测对象").unwrap();
    let rows: Vec<Vec<String>> = (sheet.rows())
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 3, "a header and two cases: {rows:?}");
    assert_eq!(rows[0][0], "监测编号");
    assert!(rows
        .iter()
        .any(|r| r[0] == "JC341181201700001" && r[14] == "享受低保后收入稳定"));
    assert!(rows
        .iter()
        .any(|r| r[6] == "边缘易致贫户" && r[2] == "钱七"));
    // Another county's official does not reach the case.
    let xijian = app.sign_in("xijian").await;
    assert_eq!(app.get(&xijian, &case).await.status().as_u16(), 404);
    let theirs = app.page_text(&xijian, "/monitoring/cases?state=all").await;
    assert!(!theirs.contains("JC341181"), "{theirs}");
    app.cleanup().await;
}
