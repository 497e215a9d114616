//! The workbench (issue 19): every role but a helper and a secretary lands on it, and its counts lead to the lists behind
//! them — overdue visits by the rule setting, exit batches waiting for a step the account may
//! take; and the exit procedure as a county runs it: the assessment started from the web, a
//! proposal of the households the village chose, a review that agrees on all but the ticked,
//! and the printable 公示.

mod common;

use common::App;

fn count(page: &str, id: &str) -> u64 {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id} in {page}"));
    let b = page[at..].find("<b>").unwrap() + at + 3;
    let e = page[b..].find("</b>").unwrap() + b;
    page[b..e].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_role_lands_on_its_workbench_with_counts_that_lead_to_lists() {
    let app = App::start().await;
    for name in ["admin", "tianchang", "jiacun", "zhaojun", "auditor"] {
        let s = app.sign_in(name).await;
        let r = app.get(&s, "/").await;
        assert_eq!(r.status().as_u16(), 303, "{name}");
        // A helper and a village secretary land on their households (issue 20).
        let home = match name {
            "jiacun" | "zhaojun" => "/mine",
            _ => "/workbench",
        };
        assert_eq!(r.headers()["location"], home, "{name}");
        let mine = app.page_text(&s, "/mine").await;
        assert!(
            mine.contains("王大明") || name == "admin" || name == "auditor",
            "{name}: {mine}"
        );
        let page = app.page_text(&s, "/workbench?year=2016").await;
        assert!(page.contains("工作台"), "{name}: {page}");
    }
    let admin = app.sign_in("admin").await;
    // Folds the fixture's records into the roll-ups: counts from here on are kept.
    app.page_text(&admin, "/dashboard").await;
    // C1 was paired with H001 on 2015-01-01 and never visited: overdue at the end of 2016, for
    // the helper, the village, the county and everywhere (counted per county and kept); not for
    // another county.
    for (name, n) in [
        ("admin", 1),
        ("zhaojun", 1),
        ("jiacun", 1),
        ("tianchang", 1),
        ("xijian", 0),
    ] {
        let s = app.sign_in(name).await;
        let page = app.page_text(&s, "/workbench/tile/visits?year=2016").await;
        assert_eq!(count(&page, "count-visits-overdue"), n, "{name}");
    }
    let helper = app.sign_in("zhaojun").await;
    let list = app.page_text(&helper, "/workbench/visits?year=2016").await;
    assert!(list.contains("王大明") && list.contains("赵军"), "{list}");
    assert!(list.contains("未走访"), "{list}");
    let everywhere = app.page_text(&admin, "/workbench/visits?year=2016").await;
    assert!(
        everywhere.contains("王大明")
            && everywhere.contains("赵军")
            && everywhere.contains("未走访"),
        "{everywhere}"
    );
    // A visit within the interval clears it; one 32 days before the year's end does not.
    let visit = |date: &str| serde_json::json!({"rows": [{"cadre_id": "C1", "household_id": "H001", "date": date, "activity": "走访慰问"}]});
    let post = |body: serde_json::Value| {
        app.http
            .post(format!("{}/api/v1/records/visits", app.base))
            .header("cookie", &helper.cookie)
            .header("x-csrf-token", &helper.csrf)
            .json(&body)
            .send()
    };
    assert_eq!(post(visit("2016-11-29")).await.unwrap().status(), 200);
    let tile = "/workbench/tile/visits?year=2016";
    // Everywhere is counted per county and kept: while the county is marked it is counted
    // afresh, and after its refresh (the dashboard's) under its new stamp — a count kept from
    // before the visit would say otherwise.
    let seen_by = |expected: u64, why: &'static str| {
        let (app, helper, admin) = (&app, &helper, &admin);
        async move {
            for s in [helper, admin, admin] {
                let page = app.page_text(s, tile).await;
                assert_eq!(count(&page, "count-visits-overdue"), expected, "{why}");
            }
            app.page_text(admin, "/dashboard").await;
            let page = app.page_text(admin, tile).await;
            assert_eq!(count(&page, "count-visits-overdue"), expected, "{why}");
        }
    };
    seen_by(1, "32 days: overdue").await;
    assert_eq!(post(visit("2016-11-30")).await.unwrap().status(), 200);
    seen_by(0, "31 days: on time").await;
    let everywhere = app.page_text(&admin, "/workbench/visits?year=2016").await;
    assert!(!everywhere.contains("王大明"), "{everywhere}");
    // Paging past the end shows the last page; a page that is not a number is refused.
    assert_eq!(
        app.get(&helper, "/workbench/visits?year=2016&page=99")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&helper, "/workbench/visits?year=2016&page=x")
            .await
            .status(),
        400
    );
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_county_runs_the_assessment_and_the_village_proposes_whom_it_chose() {
    let app = App::start().await;
    let county = app.sign_in("tianchang").await;
    let secretary = app.sign_in("jiacun").await;
    // Only an official of a county or above (or an administrator) runs it.
    let r = app
        .post_form(
            &secretary,
            "/assessment/run",
            &[("year", "2016"), ("_csrf", &secretary.csrf)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .post_form(
            &county,
            "/assessment/run",
            &[("year", "2016"), ("_csrf", &county.csrf)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let mut page = String::new();
    for _ in 0..100 {
        page = app.page_text(&county, "/assessment/run").await;
        if page.contains("run-result") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("id=\"run-eligible\">1<"), "{page}");
    assert!(page.contains("/exits/341181100201/2016"), "{page}");

    // The village's page lists the eligible household with its head's name to choose from.
    let base = "/exits/341181100201/2016";
    let page = app.page_text(&secretary, base).await;
    assert!(
        page.contains("王大明") && page.contains("propose_H001"),
        "{page}"
    );
    let (app_ref, sec) = (&app, &secretary);
    let post = |step: &'static str, form: &'static [(&'static str, &'static str)]| async move {
        let mut pairs = form.to_vec();
        pairs.push(("_csrf", sec.csrf.as_str()));
        app_ref
            .post_form(sec, &format!("{base}/{step}"), &pairs)
            .await
    };
    // Nothing ticked is refused (not read as "everyone"); a household not eligible is refused.
    let r = post("propose", &[("proposed_on", "2016-11-30"), ("choose", "1")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let r = post(
        "propose",
        &[
            ("proposed_on", "2016-11-30"),
            ("choose", "1"),
            ("household", "H002"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = post(
        "propose",
        &[
            ("proposed_on", "2016-11-30"),
            ("choose", "1"),
            ("household", "H001"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // The printable notice waits for the review.
    assert_eq!(
        app.get(&secretary, &format!("{base}/print")).await.status(),
        400
    );
    // The review agrees on all but the ticked: nothing ticked, H001 agreed.
    let r = post(
        "review",
        &[
            ("review_date", "2016-12-01"),
            ("attendees", "25"),
            ("proposed", "H001"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post("notice", &[("notice_start", "2016-12-02")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let notice = app.page_text(&secretary, &format!("{base}/print")).await;
    assert!(notice.contains("甲村2016年度贫困户退出公示"), "{notice}");
    assert!(notice.contains("2016年12月2日") && notice.contains("2016年12月8日"));
    assert!(notice.contains("王大明"), "{notice}");
    // No ID number is posted in the village.
    assert!(!notice.contains(&common::id(341181, "1970-03-05", 11)));

    // The notice is over: the town's official has the approval waiting on the workbench.
    let town = app.sign_in("tianchangjd").await;
    let page = app.page_text(&town, "/workbench?year=2016").await;
    assert_eq!(count(&page, "waiting-town_approval"), 1, "{page}");
    let list = app
        .page_text(&town, "/exits?year=2016&step=town_approval")
        .await;
    assert!(
        list.contains("id=\"waiting\"") && list.contains("甲村"),
        "{list}"
    );
    // The county has nothing waiting yet; the secretary's review is done.
    let page = app.page_text(&county, "/workbench?year=2016").await;
    assert!(!page.contains("waiting-county_approval"), "{page}");
    app.cleanup().await;
}

async fn run_until_done(app: &App, s: &common::Session) -> String {
    for _ in 0..200 {
        let page = app.page_text(s, "/assessment/run").await;
        if page.contains("run-result") || page.contains("评估未完成") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the assessment did not finish");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_records_the_year_from_the_web() {
    let app = App::start().await;
    let county = app.sign_in("tianchang").await;
    // Recording the whole year is an administrator's.
    let r = app
        .post_form(
            &county,
            "/assessment/run",
            &[("year", "2016"), ("apply", "1"), ("_csrf", &county.csrf)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let admin = app.sign_in("admin").await;
    let r = app
        .post_form(
            &admin,
            "/assessment/run",
            &[("year", "2016"), ("apply", "1"), ("_csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let page = run_until_done(&app, &admin).await;
    assert!(page.contains("run-applied"), "{page}");
    assert!(page.contains("已记录：脱贫 1"), "{page}");
    let h = app.get_json(&admin, "/api/v1/households/H001").await;
    assert_eq!(h["household"]["status"], "exited", "{h}");
    // Again: nothing new.
    app.post_form(
        &admin,
        "/assessment/run",
        &[("year", "2016"), ("apply", "1"), ("_csrf", &admin.csrf)],
    )
    .await;
    let page = run_until_done(&app, &admin).await;
    assert!(page.contains("此前已记录"), "{page}");
    app.cleanup().await;
}
