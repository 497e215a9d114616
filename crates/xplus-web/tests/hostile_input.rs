//! Bad input through the web application and the API: a clear 4xx naming the problem, never a
//! 500, never a silent replacement. Runs on SQLite, and on PostgreSQL with
//! XPLUS_TEST_DATABASE_URL (where a NUL used to reach the database and fail as a 500).

mod common;

use common::App;

/// A multipart upload of one file given as bytes.
fn upload_body(csrf: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "xplus-test-boundary-9c2e";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_with_one_bad_byte_is_not_passed_as_gb18030() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let mut csv = "unit_id,name,kind\nU8,滁州市农业农村局,organ\nU9,天长市供销社,enterprise\n"
        .as_bytes()
        .to_vec();
    let at = csv.iter().rposition(|&b| b == b',').unwrap() - 2;
    csv[at] = 0xFF;
    let (kind, body) = upload_body(&s.csrf, "units.csv", &csv);
    let response = app
        .http
        .post(format!("{}/imports", app.base))
        .header("cookie", &s.cookie)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    let page = app.finished_upload(&s, response).await;
    assert!(
        page.contains("有错误") && !page.contains("检查通过") && !page.contains("/confirm"),
        "{page}"
    );
    // The row is named, and the page says how the file was read.
    assert!(
        page.contains("<td>3</td>") && page.contains("UTF-8"),
        "{page}"
    );
    // The reason in Chinese only.
    assert!(
        page.contains("无效的字节") && !page.contains("not valid"),
        "{page}"
    );
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nul_in_a_search_is_bad_input_not_a_server_error() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    for path in [
        "/api/v1/households?q=%00",
        "/api/v1/households?q=H%00001",
        "/households?q=%E7%8E%8B%00",
    ] {
        let status = app.get(&s, path).await.status().as_u16();
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn names_with_nul_or_invisible_characters_are_refused_by_field() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let idno = common::id(341181, "1990-01-01", 72);
    for (name, expected) in [
        ("王\u{0}二", "空字符"),
        ("\u{200b}\u{200b}", "零宽空格"),
        ("王\u{202e}二", "文字方向控制符"),
    ] {
        let fingerprint = app.fingerprint("H001").await;
        let member = [
            ("_csrf", s.csrf.as_str()),
            ("_fingerprint", fingerprint.as_str()),
            ("id_number", idno.as_str()),
            ("name", name),
            ("relation", "child"),
            ("health", "healthy"),
            ("labour", "none"),
            ("schooling", "none"),
        ];
        let response = app.post_form(&s, "/households/H001/members", &member).await;
        assert_eq!(response.status().as_u16(), 422, "{name:?}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("id=\"e_name\"") && page.contains(expected),
            "{name:?}: {page}"
        );
    }
    // Nothing was saved.
    let page = app.page_text(&s, "/households/H001").await;
    assert!(!page.contains(&idno[14..]), "{page}");
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_household_id_with_a_zero_width_space_is_not_a_second_household() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let form = common::household_form(
        &s.csrf,
        "",
        "341181100201",
        &[("household_id", "H0\u{200b}01")],
    );
    let response = app.post_form(&s, "/households", &form).await;
    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("零宽空格"), "{page}");
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_with_a_nul_in_the_name_is_refused_not_a_server_error() {
    let app = App::start().await;
    assert_eq!(app.try_sign_in("ad\0min", "x").await.err(), Some(401));
    assert_eq!(app.try_sign_in("admin\u{200b}", "x").await.err(), Some(401));
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_parallel_guesses_gets_no_more_tries_than_one_by_one() {
    let app = App::start().await;
    // Twenty guesses at once: before, each passed the lockout check before any failure was
    // counted (the argon2 check in between), so all twenty were tried.
    let guesses = (0..20).map(|i| app.try_sign_in("jiacun", if i == 0 { "x" } else { "y" }));
    let answers: Vec<Option<u16>> = futures_util::future::join_all(guesses)
        .await
        .into_iter()
        .map(|a| a.err())
        .collect();
    let tried = answers.iter().filter(|a| **a == Some(401)).count();
    let locked = answers.iter().filter(|a| **a == Some(429)).count();
    assert!(tried <= 5 && tried + locked == 20, "{answers:?}");
    // The right password is refused too until the window has passed.
    assert_eq!(
        app.try_sign_in("jiacun", common::PASSWORD).await.err(),
        Some(429)
    );
    app.cleanup().await;
}
