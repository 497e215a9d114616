//! Refusals that do not reveal other regions (docs/web.md): registering a household with a
//! number held in another county answers, page and API alike, exactly as a free number would in
//! every request that is refused anyway; a taken number is said to be taken only when nothing
//! else is wrong, in the same words wherever it is held, and nothing is written over it.

mod common;

use common::{household_form, App, Session};

/// A head for a new household: a person of nobody else's, one for the page and one for the API
/// (the same in every request of each, so that two answers compare).
fn head_number(by_api: bool) -> String {
    common::id(341181, "1985-05-05", if by_api { 2 } else { 1 })
}

/// The household form of a new household, as the page sends it (with its head).
async fn register_on_page(
    app: &App,
    s: &Session,
    id: &str,
    village: &str,
    year: &str,
) -> (u16, String) {
    let mut form = household_form(&s.csrf, "", village, &[("identified_year", year)]);
    form.push(("household_id", id));
    let head = head_number(false);
    form.extend([
        ("head_id_number", head.as_str()),
        ("head_name", "新户主"),
        ("head_health", "healthy"),
        ("head_labour", "ordinary"),
        ("head_schooling", "none"),
    ]);
    let r = app.post_form(s, "/households", &form).await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap().replace(id, "ID"))
}

async fn register_by_api(
    app: &App,
    s: &Session,
    id: &str,
    village: &str,
    year: &str,
) -> (u16, String) {
    let body = serde_json::json!({
        "household_id": id, "village_code": village, "identified_year": year, "status": "poor",
        "causes": "illness", "food_secure": "1", "clothing_secure": "1", "housing_safe": "1",
        "water_safe": "1",
        "members": [{"id_number": head_number(true), "name": "新户主", "relation": "head",
                     "health": "healthy", "labour": "ordinary", "schooling": "none"}],
    });
    let r = app
        .http
        .post(format!("{}/api/v1/households", app.base))
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap().replace(id, "ID"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_household_number_held_in_another_county_answers_as_a_free_one() {
    let app = App::start().await;
    // An official of 天长市: H101 is held in 琅琊区, H001 within reach, H900 and H901 are free.
    let s = app.sign_in("tianchang").await;
    let h101 = app.fingerprint("H101").await;
    let refused = [
        // 丙村 is in another county.
        ("341102001001", "2014", 403),
        // No such village.
        ("341181100299", "2014", 422),
        // Identified in the future.
        ("341181100201", "2099", 422),
    ];
    for (village, year, want) in refused {
        let free = register_on_page(&app, &s, "H900", village, year).await;
        let held = register_on_page(&app, &s, "H101", village, year).await;
        assert_eq!(free.0, want, "{village} {year}: {}", free.1);
        assert_eq!(held, free, "page, {village} {year}");
        let free = register_by_api(&app, &s, "H900", village, year).await;
        let held = register_by_api(&app, &s, "H101", village, year).await;
        assert_eq!(free.0, want, "{village} {year}: {}", free.1);
        assert_eq!(held, free, "API, {village} {year}");
    }
    // Otherwise valid: taken, in the same words whether held here or in another county.
    let held = register_on_page(&app, &s, "H101", "341181100201", "2014").await;
    let here = register_on_page(&app, &s, "H001", "341181100201", "2014").await;
    assert_eq!(held.0, 422);
    assert!(held.1.contains("已被使用"), "{}", held.1);
    assert_eq!(held, here);
    let held = register_by_api(&app, &s, "H101", "341181100201", "2014").await;
    let here = register_by_api(&app, &s, "H001", "341181100201", "2014").await;
    assert_eq!(held.0, 422);
    assert_eq!(held, here);
    // H101 is as it was; free numbers are registered.
    assert_eq!(app.fingerprint("H101").await, h101);
    assert_eq!(
        register_on_page(&app, &s, "H900", "341181100201", "2014")
            .await
            .0,
        303
    );
    assert_eq!(
        register_by_api(&app, &s, "H901", "341181100201", "2014")
            .await
            .0,
        201
    );
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_registered_in_another_county_is_named_only_when_nothing_else_is_wrong() {
    let app = App::start().await;
    let s = app.sign_in("tianchang").await;
    // 刘芳 heads H101 in 琅琊区; the other number is nobody's.
    let held = common::id(341102, "1980-11-30", 52);
    let free = common::id(341181, "1990-01-01", 71);
    let add = |idno: String, relation: &'static str| {
        let app = &app;
        let s = &s;
        async move {
            let fingerprint = app.fingerprint("H001").await;
            let form = [
                ("_csrf", s.csrf.as_str()),
                ("_fingerprint", fingerprint.as_str()),
                ("id_number", idno.as_str()),
                ("name", "某人"),
                ("relation", relation),
                ("health", "healthy"),
                ("labour", "ordinary"),
                ("schooling", "none"),
            ];
            let r = app.post_form(s, "/households/H001/members", &form).await;
            let status = r.status().as_u16();
            (status, r.text().await.unwrap().replace(&idno, "ID"))
        }
    };
    // H001 has a head already: refused alike for both numbers.
    let a = add(free.clone(), "head").await;
    let b = add(held.clone(), "head").await;
    assert_eq!(a.0, 422);
    assert!(a.1.contains("2名户主"), "{}", a.1);
    assert_eq!(a, b);
    let b = add(held, "child").await;
    assert_eq!(b.0, 422);
    assert!(
        b.1.contains("另一户的成员") && !b.1.contains("H101"),
        "{}",
        b.1
    );
    // The Chinese page shows the Chinese half of the message only.
    assert!(!b.1.contains("another household"), "{}", b.1);
    app.cleanup().await;
}
