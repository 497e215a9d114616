//! 讲学授课 over HTTP: a session and its attendance written on the records pages, the page of
//! sessions and person-times by lecturer kind per region within reach, the API, and the
//! English page.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn lectures_by_lecturer_kind_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let csrf = admin.csrf.clone();
    let forms: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "/records/stations",
            vec![
                ("station_id", "S9"),
                ("village_code", "341181100201"),
                ("kind", "station"),
                ("name", "甲村远教站点"),
            ],
        ),
        (
            "/records/training_sessions",
            vec![
                ("session_id", "T9"),
                ("station_id", "S9"),
                ("date", "2016-03-05"),
                ("mode", "party_school"),
                ("lecturer_kind", "expert"),
                ("topic", "skills"),
            ],
        ),
        (
            "/records/attendance",
            vec![("session_id", "T9"), ("household_id", "H001")],
        ),
    ];
    for (path, mut form) in forms {
        form.push(("_csrf", csrf.as_str()));
        let r = app.post_form(&admin, path, &form).await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "{path}: {}",
            r.text().await.unwrap()
        );
    }
    let tianchang = app.sign_in("tianchang").await;
    let page = app.page_text(&tianchang, "/lectures?year=2016").await;
    assert!(page.contains("<b id=\"sessions\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"person-times\">1</b>"), "{page}");
    assert!(page.contains("技能专家"), "{page}");
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/lectures?year=2016").await;
    assert!(page.contains("<b id=\"sessions\">0</b>"), "{page}");
    let r = app
        .get(&xijian, "/lectures?year=2016&region=341181000000")
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let body = app.get_json(&admin, "/api/v1/lectures?year=2016").await;
    assert_eq!(body["total"]["sessions"], 1, "{body}");
    assert_eq!(body["total"]["person_times"], 1, "{body}");
    let expert = &body["total"]["by_lecturer_kind"][2];
    assert_eq!(expert["lecturer_kind"], "expert", "{body}");
    assert_eq!(expert["sessions"], 1, "{body}");
    let page = app.page_text(&admin, "/lectures?year=2016&lang=en").await;
    assert!(page.contains("Lectures at the stations"), "{page}");
    assert!(!page.contains("讲学授课"), "{page}");
    app.cleanup().await;
}
