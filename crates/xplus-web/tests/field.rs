//! The visit form without script (issue 20): a helper's visit is kept and shown on the
//! household's page; a refused value comes back beside its field with what was typed; a second
//! visit of the same day made without seeing the first is a conflict page showing both, and
//! sending it again from there keeps it; accounts outside the household's reach, and auditors,
//! write nothing.

mod common;

use common::{hidden, App, Session};

fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "xplus-visit-boundary-7c1e";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    // A file input left empty sends an empty part: no photo.
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

async fn send(app: &App, s: &Session, fields: &[(&str, &str)]) -> reqwest::Response {
    let (kind, body) = multipart(fields);
    app.http
        .post(format!("{}/households/H001/visit", app.base))
        .header("cookie", &s.cookie)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visit_is_kept_refused_or_shown_as_a_conflict_without_script() {
    let app = App::start().await;
    let helper = app.sign_in("zhaojun").await;
    let form = app.page_text(&helper, "/households/H001/visit").await;
    assert!(
        form.contains("记录走访") && form.contains("王大明"),
        "{form}"
    );
    let fingerprint = hidden(&form, "_fingerprint");
    assert!(!fingerprint.is_empty());
    let visit = |activity: &'static str, location: &'static str| {
        vec![
            ("_csrf", helper.csrf.as_str()),
            ("_fingerprint", fingerprint.as_str()),
            ("date", "2016-11-05"),
            ("kind", "home"),
            ("activity", activity),
            ("found", ""),
            ("location", location),
        ]
    };

    // A place that is not one: the form again, the message beside the field, the text kept.
    let refused = send(&app, &helper, &visit("核实收入", "北纬32度")).await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("位置须为") && page.contains("核实收入"),
        "{page}"
    );

    let kept = send(&app, &helper, &visit("核实收入", "32.7,119.0")).await;
    assert_eq!(kept.status().as_u16(), 303);
    assert_eq!(
        kept.headers()["location"],
        "/households/H001?saved=visit#visits"
    );
    let household = app.page_text(&helper, "/households/H001").await;
    assert!(household.contains("核实收入") && household.contains("入户走访"));
    assert!(household.contains("32.700000,119.000000"));

    // The same day again, made without seeing the first: both shown, nothing written.
    let clash = send(&app, &helper, &visit("送春联", "")).await;
    assert_eq!(clash.status().as_u16(), 409);
    let page = clash.text().await.unwrap();
    assert!(page.contains("系统中现有的") && page.contains("核实收入") && page.contains("送春联"));
    let replaces = hidden(&page, "_replaces");
    assert!(!replaces.is_empty());
    let household = app.page_text(&helper, "/households/H001").await;
    assert!(!household.contains("送春联"));
    // Sent again from the conflict page: the helper's version, knowingly.
    let mut again = visit("送春联", "");
    again.push(("_replaces", replaces.as_str()));
    assert_eq!(send(&app, &helper, &again).await.status().as_u16(), 303);
    let household = app.page_text(&helper, "/households/H001").await;
    assert!(household.contains("送春联") && !household.contains("核实收入"));

    // Another county's official does not reach the household; an auditor writes nothing.
    let xijian = app.sign_in("xijian").await;
    assert_eq!(
        app.get(&xijian, "/households/H001/visit")
            .await
            .status()
            .as_u16(),
        404
    );
    let auditor = app.sign_in("auditor").await;
    let mut by_auditor = visit("走访", "");
    by_auditor[0] = ("_csrf", auditor.csrf.as_str());
    by_auditor.push(("cadre_id", "C1"));
    assert_eq!(
        send(&app, &auditor, &by_auditor).await.status().as_u16(),
        403
    );
    app.cleanup().await;
}
