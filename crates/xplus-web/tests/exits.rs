//! The exit procedure over HTTP (rules.md §3): 甲村's secretary proposes H001, records the
//! democratic review, publishes the list and an objection, resolves it; the town and then the
//! county approve, and only then is H001 recorded as exited in 2016 — each step by its own
//! user, in order, in the audit log.

mod common;

use common::App;

const BASE: &str = "/exits/341181100201/2016";

async fn take(
    app: &App,
    s: &common::Session,
    step: &str,
    form: Vec<(&'static str, String)>,
) -> reqwest::Response {
    let mut pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("_csrf", s.csrf.as_str()));
    app.post_form(s, &format!("{BASE}/{step}"), &pairs).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_village_batch_goes_from_proposal_to_the_countys_approval() {
    let app = App::start().await;
    let secretary = app.sign_in("jiacun").await;
    let town = app.sign_in("tianchangjd").await;
    let county = app.sign_in("tianchang").await;
    let base = BASE;
    let post = |s, step, form| take(&app, s, step, form);

    let page = app.page_text(&secretary, base).await;
    assert!(page.contains("尚未提名"), "{page}");
    assert!(page.contains("H001"), "{page}");
    let review = || {
        vec![
            ("review_date", "2016-12-01".to_string()),
            ("attendees", "25".to_string()),
            ("agreed", "H001".to_string()),
        ]
    };
    let r = post(&secretary, "review", review()).await;
    assert_eq!(
        r.status().as_u16(),
        409,
        "a review before a proposal is out of order"
    );
    let r = post(&secretary, "review", vec![]).await;
    assert_eq!(r.status().as_u16(), 422, "a review without its date");

    let r = post(
        &secretary,
        "propose",
        vec![("proposed_on", "2015-12-31".into())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422, "a proposal dated before its year");
    let r = post(
        &secretary,
        "propose",
        vec![("proposed_on", "2016-11-30".into())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let early = vec![
        ("review_date", "2016-11-29".to_string()),
        ("attendees", "25".to_string()),
        ("agreed", "H001".to_string()),
    ];
    let r = post(&secretary, "review", early).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "a review dated before the proposal"
    );
    let r = post(&secretary, "review", review()).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let r = post(
        &secretary,
        "notice",
        vec![("notice_start", "2016-11-30".into())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422, "a notice before the review");
    let r = post(
        &secretary,
        "notice",
        vec![("notice_start", "2016-12-02".into())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post(
        &secretary,
        "object",
        vec![
            ("household_id", "H001".into()),
            ("raised_on", "2016-12-03".into()),
            ("raised_by", "村民张某".into()),
            ("content", "家中有务工收入未计入".into()),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);

    // An approval is dated when it was given, with an opinion.
    let approval = |on: &str, opinion: &str| {
        vec![
            ("approved_on", on.to_string()),
            ("opinion", opinion.to_string()),
        ]
    };
    let town_ok = || approval("2016-12-20", "经审核，同意退出");
    let county_ok = || approval("2016-12-28", "经审定，同意退出");
    // The town cannot approve while an objection is open; a secretary never can.
    let r = post(&town, "town_approval", town_ok()).await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("异议未处理"));
    let r = post(&secretary, "town_approval", town_ok()).await;
    assert_eq!(r.status().as_u16(), 403);

    let r = post(
        &secretary,
        "resolve",
        vec![
            ("no", "1".into()),
            ("resolution", "经核实，务工收入已计入，异议不成立".into()),
            ("resolved_on", "2016-12-06".into()),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post(&town, "town_approval", approval("2016-12-20", "")).await;
    assert_eq!(r.status().as_u16(), 422, "an approval without an opinion");
    let r = post(&town, "town_approval", approval("2016-12-07", "同意")).await;
    assert_eq!(r.status().as_u16(), 409, "an approval within the notice");
    let r = post(&town, "town_approval", approval("2016-12-05", "同意")).await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "an approval before the objection was resolved"
    );
    assert_eq!(
        post(&town, "town_approval", town_ok())
            .await
            .status()
            .as_u16(),
        303
    );
    // The town's official is not the county's.
    assert_eq!(
        post(&town, "county_approval", county_ok())
            .await
            .status()
            .as_u16(),
        403
    );

    // Before the county's approval H001 is still poor.
    let h = app.get_json(&county, "/api/v1/households/H001").await;
    assert_eq!(h["household"]["status"], "poor", "{h}");
    let r = post(&county, "county_approval", approval("2016-12-19", "同意")).await;
    assert_eq!(r.status().as_u16(), 422, "before the town's approval");
    assert_eq!(
        post(&county, "county_approval", county_ok())
            .await
            .status()
            .as_u16(),
        303
    );
    let h = app.get_json(&county, "/api/v1/households/H001").await;
    assert_eq!(h["household"]["status"], "exited", "{h}");
    assert_eq!(h["household"]["exit_year"], "2016", "{h}");

    let page = app.page_text(&county, base).await;
    assert!(page.contains("县级审定，已退出"), "{page}");
    for shown in [
        "2016-12-20",
        "2016-12-28",
        "经审核，同意退出",
        "经审定，同意退出",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    for who in ["jiacun", "tianchangjd", "tianchang"] {
        assert!(page.contains(who), "{who} named among the steps: {page}");
    }
    let list = app.page_text(&county, "/exits?year=2016").await;
    assert!(list.contains("甲村"), "{list}");
    // Another county's official does not reach 甲村's batch.
    let xijian = app.sign_in("xijian").await;
    let r = app.get(&xijian, base).await;
    assert_eq!(r.status().as_u16(), 404);
    app.cleanup().await;
}
