//! A household through the years (book of record): the history page shows its standing at the
//! end of each year with the outcomes, corrections, pairings and shares behind it; a county
//! official corrects a past year's outcome from it, which the year's report then lists; a
//! correction without a reason, or by an account that may not correct, changes nothing.

mod common;

use common::{App, Discard};
use xplus_core::accounts::{Access, Role};
use xplus_store::records;

#[tokio::test(flavor = "multi_thread")]
async fn a_past_year_is_corrected_from_the_household_history() {
    let app = App::start().await;
    let today = chrono::Local::now().date_naive();
    records::apply_assessment(app.store.as_ref(), "cli:test", 2016, today, &mut Discard)
        .await
        .unwrap();
    let official = app.sign_in("tianchang").await;
    let helper = app.sign_in("zhaojun").await;
    let auditor = app.sign_in("auditor").await;

    // H001 exited in 2016: poor at the end of 2015, exited at the end of 2016.
    let page = app.page_text(&official, "/households/H001/history").await;
    assert!(
        page.contains("/households/H001/card?year=2016\">2016<"),
        "{page}"
    );
    assert!(page.contains("correction-form"), "{page}");
    let household = app.page_text(&official, "/households/H001").await;
    assert!(
        household.contains("/households/H001/history"),
        "{household}"
    );
    // An auditor reads the history but has no form.
    let read = app.page_text(&auditor, "/households/H001/history").await;
    assert!(read.contains("2016"), "{read}");
    assert!(!read.contains("correction-form"), "{read}");
    // Out of reach: another county's official sees nothing.
    let xijian = app.sign_in("xijian").await;
    assert_eq!(
        app.get(&xijian, "/households/H001/history").await.status(),
        404
    );

    // Refused, nothing written: no reason; a helper; an auditor.
    let refused = post(&app, &official, " ").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("更正须说明原因"));
    assert_eq!(post(&app, &helper, "x").await.status(), 403);
    assert_eq!(post(&app, &auditor, "x").await.status(), 403);
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let report = records::year_report(app.store.as_ref(), &admin, None, 2016, today)
        .await
        .unwrap();
    assert!(report.corrections.is_empty());
    let exited_before = report.households.exited_in_year;

    // Corrected: H001 did not exit in 2016.
    let done = post(&app, &official, "复核：2016 年工资收入重复计算").await;
    assert_eq!(done.status(), 303);
    let page = app
        .page_text(&official, "/households/H001/history?corrected=2016")
        .await;
    assert!(page.contains("复核：2016 年工资收入重复计算"), "{page}");
    let report = records::year_report(app.store.as_ref(), &admin, None, 2016, today)
        .await
        .unwrap();
    assert_eq!(report.corrections.len(), 1);
    assert_eq!(report.corrections[0].corrected_by, "tianchang");
    assert_eq!(report.households.exited_in_year, exited_before - 1);
    assert!(xplus_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
    app.cleanup().await;
}

async fn post(app: &App, s: &common::Session, reason: &str) -> reqwest::Response {
    let pairs = [
        ("_csrf", s.csrf.as_str()),
        ("year", "2016"),
        ("status", "poor"),
        ("exit_year", ""),
        ("reason", reason),
    ];
    app.post_form(s, "/households/H001/corrections", &pairs)
        .await
}
