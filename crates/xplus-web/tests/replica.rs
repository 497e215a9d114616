//! Reads from a replica, writes to the primary (issue 22, `xplus serve --read-db`): two
//! databases seeded alike stand for a primary and a replica that has not caught up yet. A page
//! reads the replica; sessions, every write and the reads of a browser that has just written (or
//! of an API client that asks) go to the primary; nothing is ever written to the replica.

mod common;

use common::App;
use xplus_core::accounts::{Access, Role};
use xplus_core::assessment::cases::CaseSource;
use xplus_core::money::Fen;
use xplus_store::records::{self, CaseFilter, CaseState, CaseTold};

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_read_the_replica_and_a_writer_reads_the_primary() {
    let (app, replica) = App::start_routed().await;
    // Signing in writes a session on the primary; the replica has none, yet the session works.
    let official = app.sign_in("tianchang").await;
    assert_eq!(
        app.get(&official, "/households").await.status().as_u16(),
        200
    );

    // A case recorded on the primary only, as if the replica had not received it yet.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let told = CaseTold {
        household_id: Some("H002".into()),
        outside: None,
        source: CaseSource::Declaration,
        on: d("2017-01-05"),
        net_income: Some(Fen(100_000)),
        rigid_expense: Fen(0),
        situation: "因病无法务工".into(),
    };
    let case = records::open_case(app.store.as_ref(), &admin, &told, d("2017-02-01"))
        .await
        .unwrap();
    let path = format!("/monitoring/cases/{}", case.case_no);
    assert_eq!(
        app.get(&official, &path).await.status().as_u16(),
        404,
        "the replica's"
    );
    let asked = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", &official.cookie)
        .header("x-xplus-primary", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        asked.status().as_u16(),
        200,
        "an API client may ask for the primary"
    );

    // A write through the page: the primary has it, the browser reads it back at once.
    let measure = [
        ("_csrf", official.csrf.as_str()),
        ("kind", "assistance"),
        ("detail", "纳入农村低保"),
        ("responsible", "赵军"),
        ("on", "2017-01-20"),
    ];
    let sent = app
        .post_form(&official, &format!("{path}/measures"), &measure)
        .await;
    assert_eq!(sent.status().as_u16(), 303);
    let wrote = sent
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("xplus_wrote="))
        .expect("the write marks the browser");
    assert!(wrote.contains("Max-Age=30"), "{wrote}");
    let cookie = format!("{}; {}", official.cookie, wrote.split(';').next().unwrap());
    let page = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("纳入农村低保"));

    // Nothing reached the replica.
    let all = CaseFilter {
        category: None,
        state: CaseState::All,
        page: 1,
        per_page: 10,
    };
    let on_replica = records::case_list(replica.as_ref(), &admin, &all, d("2017-02-01"))
        .await
        .unwrap();
    assert_eq!(on_replica.total, 0);
    app.cleanup().await;
}
