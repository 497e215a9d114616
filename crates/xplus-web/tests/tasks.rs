//! Cross-department checks from the pages (issue 21): a county official uploads a death list,
//! sees what it finds within the county only, records it once; the household's helper sees the
//! task, confirms the death, and the member leaves the household; other accounts cannot reach
//! the task, an auditor cannot record it, and the Chinese pages speak only Chinese.

mod common;

use common::{id, App, Session};

fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "xplus-task-boundary-51d2";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post(
    app: &App,
    s: &Session,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> reqwest::Response {
    let (kind, body) = multipart(fields, files);
    app.http
        .post(format!("{}{path}", app.base))
        .header("cookie", &s.cookie)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Two deaths: 李秀英 of 天长市's H001, and 刘芳 of 琅琊区's H101 (outside 天长市).
fn deaths() -> Vec<u8> {
    format!(
        "身份证号,姓名,死亡日期\n{},李秀英,2016-10-01\n{},刘芳,2016-11-01\n",
        id(341181, "1972-08-19", 22),
        id(341102, "1980-11-30", 52)
    )
    .into_bytes()
}

async fn upload(app: &App, s: &Session) -> String {
    let csv = deaths();
    let fields = [("_csrf", s.csrf.as_str()), ("as_of", "2016-12-31")];
    let sent = post(
        app,
        s,
        "/crosscheck",
        &fields,
        &[("files", "deaths.csv", &csv)],
    )
    .await;
    assert_eq!(sent.status().as_u16(), 303);
    sent.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_official_records_a_death_and_the_helper_confirms_it() {
    let app = App::start().await;
    let official = app.sign_in("tianchang").await;
    let result = upload(&app, &official).await;
    let page = app.page_text(&official, &result).await;
    // Only the county's own household: 刘芳 of 琅琊区 is not found by 天长市.
    assert!(page.contains("H001") && !page.contains("H101"), "{page}");
    assert!(page.contains("死亡人员 第2行"), "{page}");
    let applied = app
        .post_form(
            &official,
            &format!("{result}/apply"),
            &[("_csrf", &official.csrf)],
        )
        .await;
    assert_eq!(applied.status().as_u16(), 303);
    let page = app.page_text(&official, &result).await;
    assert!(page.contains("已登记 1 条"), "{page}");
    // The same list again records nothing new.
    let again = upload(&app, &official).await;
    app.post_form(
        &official,
        &format!("{again}/apply"),
        &[("_csrf", &official.csrf)],
    )
    .await;
    let page = app.page_text(&official, &again).await;
    assert!(
        page.contains("已登记 0 条") && page.contains("此前已登记 1 条"),
        "{page}"
    );
    // Another account's check is not theirs to see; a town's official runs none.
    let admin = app.sign_in("admin").await;
    assert_eq!(app.get(&admin, &result).await.status().as_u16(), 404);
    let town = app.sign_in("tianchangjd").await;
    assert_eq!(app.get(&town, "/crosscheck").await.status().as_u16(), 403);

    // The helper sees the task on their page and in the list.
    let helper = app.sign_in("zhaojun").await;
    let mine = app.page_text(&helper, "/mine").await;
    assert!(mine.contains("待核查任务"), "{mine}");
    let tasks = app.page_text(&helper, "/tasks").await;
    assert!(tasks.contains("/households/H001/findings/1"), "{tasks}");
    let task = app.page_text(&helper, "/households/H001/findings/1").await;
    assert!(
        task.contains("李秀英") || task.contains("死亡日期 2016-10-01"),
        "{task}"
    );
    assert!(!task.contains(".csv"), "no file names in Chinese: {task}");

    // Out of reach: another county's official; an auditor may read but not record.
    let xijian = app.sign_in("xijian").await;
    assert_eq!(
        app.get(&xijian, "/households/H001/findings/1")
            .await
            .status()
            .as_u16(),
        404
    );
    let auditor = app.sign_in("auditor").await;
    let fields = [
        ("_csrf", auditor.csrf.as_str()),
        ("outcome", "confirmed"),
        ("on", "2017-01-05"),
    ];
    let refused = post(&app, &auditor, "/households/H001/findings/1", &fields, &[]).await;
    assert_eq!(refused.status().as_u16(), 422);

    // A refutation without a reason is refused, with the reason on the form.
    let fields = [
        ("_csrf", helper.csrf.as_str()),
        ("outcome", "refuted"),
        ("on", "2017-01-05"),
        ("reason", ""),
    ];
    let refused = post(&app, &helper, "/households/H001/findings/1", &fields, &[]).await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("请填写理由"));

    let fields = [
        ("_csrf", helper.csrf.as_str()),
        ("outcome", "confirmed"),
        ("on", "2017-01-05"),
        ("reason", ""),
    ];
    let done = post(&app, &helper, "/households/H001/findings/1", &fields, &[]).await;
    assert_eq!(done.status().as_u16(), 303);
    let household = app.page_text(&helper, "/households/H001").await;
    assert!(
        !household.contains(&id(341181, "1972-08-19", 22)),
        "she left H001"
    );
    assert!(household.contains("属实"), "{household}");
    let tasks = app.page_text(&official, "/tasks?state=done").await;
    assert!(tasks.contains("属实"), "{tasks}");
    let export = app.get(&official, "/tasks.xlsx?state=all").await;
    assert_eq!(export.status().as_u16(), 200);
    assert!(export.bytes().await.unwrap().starts_with(b"PK"));
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_upload_checks_and_records_nothing() {
    let app = App::start().await;
    let official = app.sign_in("tianchang").await;
    let bad = "id_number,name,died_on\n341181197208190223,李秀英,2016-13-01\n".as_bytes();
    let fields = [("_csrf", official.csrf.as_str())];
    let sent = post(
        &app,
        &official,
        "/crosscheck",
        &fields,
        &[("files", "deaths.csv", bad)],
    )
    .await;
    assert_eq!(sent.status().as_u16(), 200);
    let page = sent.text().await.unwrap();
    assert!(
        page.contains("未登记任何结果") && page.contains("deaths.csv 第2行"),
        "{page}"
    );
    assert!(
        !page.contains("/tmp"),
        "the server's folder is never shown: {page}"
    );
    // A helper has no check page at all.
    let helper = app.sign_in("zhaojun").await;
    assert_eq!(app.get(&helper, "/crosscheck").await.status().as_u16(), 403);
    let tasks = app.page_text(&official, "/tasks?state=all").await;
    assert!(tasks.contains("没有符合条件的记录"), "{tasks}");
    app.cleanup().await;
}
