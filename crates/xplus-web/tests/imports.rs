//! Bundle upload from the web application: checked first, written only when the uploader
//! confirms, and audited.

mod common;

use common::App;

/// A multipart body of CSV files, as a browser sends the upload form.
fn multipart(csrf: &str, files: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "xplus-test-boundary-7d1a";
    let mut body = Vec::new();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    for (name, text) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{text}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_is_checked_then_confirmed() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let upload = |files: Vec<(&'static str, String)>| {
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let (kind, body) = multipart(&s.csrf, &files);
        app.http
            .post(format!("{}/imports", app.base))
            .header("cookie", &s.cookie)
            .header("content-type", kind)
            .body(body)
            .send()
    };
    let header = "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\n";
    // A bad row: reported with its row and column, nothing written.
    let bad = upload(vec![(
        "households.csv",
        format!("{header}H003,341181100201,2030,poor,,illness,1,1,1,1\n"),
    )])
    .await
    .unwrap();
    let page = app.finished_upload(&s, bad).await;
    assert!(
        page.contains("identified_year")
            && page.contains("<td>2</td>")
            && !page.contains("/confirm"),
        "{page}"
    );
    // Beyond axum's default body limit of 2 MB: still read and checked (60,000 bad rows).
    let mut big = String::from(header);
    for i in 0..60_000 {
        big.push_str(&format!(
            "X{i:06},341181100201,2030,poor,,illness,1,1,1,1\n"
        ));
    }
    assert!(big.len() > 2_500_000, "{}", big.len()); // axum's default is 2 MiB
    let response = upload(vec![("households.csv", big)]).await.unwrap();
    assert!(app.finished_upload(&s, response).await.contains("有错误"));
    // A good bundle: checked, not yet written, then confirmed.
    let members = format!(
        "household_id,id_number,name,relation,health,labour,schooling\nH003,{},陈红,head,healthy,ordinary,none\n",
        common::id(341181, "1985-04-12", 81)
    );
    let good = upload(vec![
        (
            "households.csv",
            format!("{header}H003,341181100201,2016,poor,,illness,1,1,1,1\n"),
        ),
        ("members.csv", members),
    ])
    .await
    .unwrap();
    let good = app.finished_upload(&s, good).await;
    assert_eq!(app.get(&s, "/households/H003").await.status().as_u16(), 404);
    let start = good
        .find("/imports/")
        .unwrap_or_else(|| panic!("a confirm form: {good}"))
        + "/imports/".len();
    let token = &good[start..start + good[start..].find('/').unwrap()];
    // Another account cannot confirm it.
    let official = app.sign_in("tianchang").await;
    let other = app
        .post_form(
            &official,
            &format!("/imports/{token}/confirm"),
            &[("_csrf", official.csrf.as_str())],
        )
        .await;
    assert_eq!(other.status().as_u16(), 403);
    let done = app
        .post_form(
            &s,
            &format!("/imports/{token}/confirm"),
            &[("_csrf", s.csrf.as_str())],
        )
        .await;
    assert!(app.finished_upload(&s, done).await.contains("已导入"));
    assert_eq!(app.get(&s, "/households/H003").await.status().as_u16(), 200);
    let log = app
        .get(&s, "/audit?entity=bundle")
        .await
        .text()
        .await
        .unwrap();
    // The upload's temporary folder on the server is no name for it: its files' names are.
    assert!(
        log.contains("admin 导入了 网页上传的数据包") && !log.contains("/tmp"),
        "{log}"
    );
    assert!(log.contains("members.csv"), "{log}");
    app.cleanup().await;
}
