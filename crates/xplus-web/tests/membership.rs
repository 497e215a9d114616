//! 成员变动 through the pages and the API (book of record): a member leaves on the day it
//! happened and stays in the household's history; a late entry without its reason is refused
//! and writes nothing; a new member joins on the day the form gives; the API does the same.

mod common;

use common::App;
use xplus_core::accounts::{Access, Role};
use xplus_store::records;

#[tokio::test(flavor = "multi_thread")]
async fn a_member_leaves_and_joins_through_the_pages_and_the_api() {
    let app = App::start().await;
    let s = app.sign_in("jiacun").await;
    let today = chrono::Local::now().date_naive();
    // H001: 王大明 (head), 李秀英 (spouse). A head is not offered.
    let page = app.page_text(&s, "/households/H001/leave").await;
    assert!(
        page.contains("李秀英") && !page.contains("王大明（"),
        "{page}"
    );
    let household = app.page_text(&s, "/households/H001").await;
    assert!(household.contains("/households/H001/leave"), "{household}");

    // The spouse died in May 2016, recorded only now: without a reason, refused.
    let fingerprint = common::hidden(&page, "_fingerprint");
    let mut form = vec![
        ("_csrf", s.csrf.as_str()),
        ("_fingerprint", fingerprint.as_str()),
        ("member", "2"),
        ("changed_on", "2016-05-01"),
        ("reason", "death"),
        ("note", ""),
    ];
    let r = app.post_form(&s, "/households/H001/leave", &form).await;
    assert_eq!(r.status().as_u16(), 422);
    let refused = r.text().await.unwrap();
    assert!(refused.contains("须说明原因"), "{refused}");
    // Nothing was written; the form keeps what was typed.
    assert!(refused.contains("2016-05-01"), "{refused}");
    assert!(app
        .page_text(&s, "/households/H001")
        .await
        .contains("李秀英"));

    form.retain(|(k, _)| *k != "note");
    form.push(("note", "2016年5月病故，当年未登记"));
    let r = app.post_form(&s, "/households/H001/leave", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    let household = app.page_text(&s, "/households/H001").await;
    let members = household.split("家庭成员").nth(1).unwrap_or_default();
    assert!(!members.contains("李秀英"), "{household}");
    let history = app.page_text(&s, "/households/H001/history").await;
    assert!(
        history.contains("成员变动") && history.contains("李秀英"),
        "{history}"
    );
    // 2016 lists the late entry.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let report = records::year_report(app.store.as_ref(), &admin, None, 2016, today)
        .await
        .unwrap();
    assert_eq!(report.member_corrections.len(), 1);

    // A child joins on a day the form gives.
    let child = common::id(341181, "2020-02-10", 77);
    let fingerprint = app.fingerprint("H001").await;
    let born = [
        ("_csrf", s.csrf.as_str()),
        ("_fingerprint", fingerprint.as_str()),
        ("id_number", child.as_str()),
        ("name", "王小宝"),
        ("relation", "child"),
        ("health", "healthy"),
        ("labour", "none"),
        ("schooling", "preschool"),
        ("changed_on", "2020-02-10"),
        ("reason", "birth"),
        ("note", "出生后补登"),
    ];
    let form_page = app.page_text(&s, "/households/H001/members/new").await;
    assert!(form_page.contains("加入日期"), "{form_page}");
    let r = app.post_form(&s, "/households/H001/members", &born).await;
    assert_eq!(r.status().as_u16(), 303);
    let history = app.page_text(&s, "/households/H001/history").await;
    assert!(
        history.contains("王小宝") && history.contains("2020-02-10"),
        "{history}"
    );

    // The API: without If-Match, 428; with it, the child leaves (a move) today.
    let path = format!("/api/v1/households/H001/members/{child}/leave");
    let send = |if_match: Option<String>| {
        let mut request = app
            .http
            .post(format!("{}{path}", app.base))
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf)
            .json(&serde_json::json!({"reason": "moved"}));
        if let Some(m) = if_match {
            request = request.header("if-match", format!("\"{m}\""));
        }
        request.send()
    };
    assert_eq!(send(None).await.unwrap().status().as_u16(), 428);
    let r = send(Some(app.fingerprint("H001").await)).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let detail: serde_json::Value = r.json().await.unwrap();
    let names: Vec<&str> = (detail["members"].as_array().unwrap().iter())
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert_eq!(names, ["王大明"]);
    app.cleanup().await;
}

/// A past year's recorded income changed from its form needs a reason (a correction of that
/// year): refused without one, with the field shown again; saved and listed with one.
#[tokio::test(flavor = "multi_thread")]
async fn a_past_years_income_is_corrected_from_its_form() {
    let app = App::start().await;
    let s = app.sign_in("jiacun").await;
    let page = app
        .page_text(&s, "/households/H001/incomes/2016/edit")
        .await;
    assert!(page.contains("更正原因"), "{page}");
    let fingerprint = common::hidden(&page, "_fingerprint");
    let mut form = vec![
        ("_csrf", s.csrf.as_str()),
        ("_fingerprint", fingerprint.as_str()),
        ("household_id", "H001"),
        ("year", "2016"),
        ("wage", "9500"),
        ("production", "2500"),
        ("property", "100"),
        ("transfer", "1500"),
        ("production_cost", "1000"),
        ("medical_cost", ""),
        ("reason", ""),
    ];
    let r = app.post_form(&s, "/households/H001/incomes", &form).await;
    assert_eq!(r.status().as_u16(), 422);
    let refused = r.text().await.unwrap();
    assert!(
        refused.contains("更正须说明原因") && refused.contains("id=\"f_reason\""),
        "{refused}"
    );
    form.retain(|(k, _)| *k != "reason");
    form.push(("reason", "工资收入复核少记 500 元"));
    let r = app.post_form(&s, "/households/H001/incomes", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    let history = app.page_text(&s, "/households/H001/history").await;
    assert!(history.contains("工资收入复核少记 500 元"), "{history}");
    app.cleanup().await;
}
