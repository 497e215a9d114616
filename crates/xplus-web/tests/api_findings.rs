//! Cross-department checks through the JSON API (issue 21): an administrator posts department
//! lists and records what they find, once; a helper may not check at all; the household's
//! helper lists the task and confirms a death, and the member leaves the household; a warning
//! is closed with an attachment that is sent back as kept; filters and regions are checked;
//! a malformed upload is 422 naming the file (never the server's folder) and records nothing.

mod common;

use common::{id, App, Session};
use serde_json::{json, Value};

/// A multipart body of text fields and files, as `curl -F` sends it.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "xplus-api-findings-3e9a";
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

/// A multipart POST as `s`, with the session's CSRF header.
async fn post_multipart(
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
        .header("x-csrf-token", &s.csrf)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn post_json(app: &App, s: &Session, path: &str, body: Value) -> reqwest::Response {
    app.post_json(s, path, body).await
}

/// 李秀英 (H001, 天长市) died in October 2016; 刘芳 (H101, 琅琊区) registered a car and paid
/// 10,000.00 of her medical costs herself in 2016.
fn department_files() -> Vec<(&'static str, Vec<u8>)> {
    let li = id(341181, "1972-08-19", 22);
    let fang = id(341102, "1980-11-30", 52);
    vec![
        (
            "deaths.csv",
            format!("id_number,name,died_on\n{li},李秀英,2016-10-01\n").into_bytes(),
        ),
        (
            "vehicles.csv",
            format!(
                "id_number,name,plate,kind,registered_on\n{fang},刘芳,皖M23456,car,2016-03-01\n"
            )
            .into_bytes(),
        ),
        (
            "medical.csv",
            format!("id_number,name,year,total_cost,self_paid\n{fang},刘芳,2016,30000,10000.00\n")
                .into_bytes(),
        ),
    ]
}

async fn check(app: &App, s: &Session, apply: bool) -> reqwest::Response {
    let files = department_files();
    let files: Vec<(&str, &str, &[u8])> = (files.iter())
        .map(|(name, bytes)| ("files", *name, bytes.as_slice()))
        .collect();
    let mut fields = vec![("as_of", "2016-12-31")];
    if apply {
        fields.push(("apply", "1"));
    }
    post_multipart(app, s, "/api/v1/crosscheck", &fields, &files).await
}

/// A PNG by its signature: what core's attachment rule reads.
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3,
];

#[tokio::test(flavor = "multi_thread")]
async fn findings_are_recorded_once_listed_and_verified_through_the_api() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let first = check(&app, &admin, true).await;
    assert_eq!(first.status().as_u16(), 200);
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["as_of"], "2016-12-31");
    let findings: Vec<(&str, &str)> = (body["findings"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["household_id"].as_str().unwrap(),
                f["finding"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("H001", "deceased"),
            ("H101", "medical_burden"),
            ("H101", "vehicle")
        ],
        "{body}"
    );
    assert_eq!(body["applied"], json!({"recorded": 3, "already": 0}));
    // The same lists again record nothing new; without `apply` nothing is recorded at all.
    let again: Value = check(&app, &admin, true).await.json().await.unwrap();
    assert_eq!(again["applied"], json!({"recorded": 0, "already": 3}));
    let dry: Value = check(&app, &admin, false).await.json().await.unwrap();
    assert_eq!(dry["applied"], Value::Null);

    // 天长市's official finds only the county's own household, numbers masked.
    let official = app.sign_in("tianchang").await;
    let theirs: Value = check(&app, &official, false).await.json().await.unwrap();
    let found = theirs["findings"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{theirs}");
    assert_eq!(found[0]["household_id"], "H001");
    let li = id(341181, "1972-08-19", 22);
    assert_ne!(
        found[0]["id_number"],
        li.as_str(),
        "an official sees numbers masked"
    );

    // A helper may not check department lists at all.
    let helper = app.sign_in("zhaojun").await;
    let refused = check(&app, &helper, true).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );

    // The helper of H001 lists its task, the number whole.
    let list = app.get_json(&helper, "/api/v1/tasks").await;
    assert_eq!(list["total"], 1, "{list}");
    let task = &list["items"][0];
    assert_eq!(task["household_id"], "H001");
    assert_eq!(task["finding"], "deceased");
    assert_eq!(task["finding_label"], "死亡");
    assert_eq!(task["handling"], "verify");
    assert_eq!(task["id_number"], li.as_str());
    assert_eq!(task["assignee_role"], "helper");
    assert_eq!(task["assignee"], "C1");
    assert_eq!(task["fact_on"], "2016-10-01");
    assert_eq!(task["overdue"], false);
    assert!(task["due_on"].is_string() && task["outcome"].is_null());
    let seq = task["seq"].as_i64().unwrap();
    let path = format!("/api/v1/tasks/H001/{seq}");

    // A session's write without its CSRF header is refused; a refutation needs a reason.
    let forged = app
        .http
        .post(format!("{}{path}", app.base))
        .header("cookie", &helper.cookie)
        .json(&json!({"outcome": "confirmed", "on": "2017-01-05"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    let no_reason = json!({"outcome": "refuted", "on": "2017-01-05", "reason": ""});
    let refused = post_json(&app, &helper, &path, no_reason).await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("请填写理由"));
    let odd = json!({"outcome": "maybe", "on": "2017-01-05"});
    assert_eq!(
        post_json(&app, &helper, &path, odd).await.status().as_u16(),
        422
    );

    // Confirmed: she leaves H001, and the task is done.
    let confirm = json!({"outcome": "confirmed", "on": "2017-01-05"});
    let done = post_json(&app, &helper, &path, confirm.clone()).await;
    assert_eq!(done.status().as_u16(), 200);
    let done: Value = done.json().await.unwrap();
    assert_eq!(done["outcome"], "confirmed");
    assert_eq!(done["outcome_by"], "zhaojun");
    assert_eq!(done["village_code"], "341181100201");
    let household = app.get_json(&helper, "/api/v1/households/H001").await;
    let members: Vec<&str> = (household["members"].as_array().unwrap().iter())
        .map(|m| m["id_number"].as_str().unwrap())
        .collect();
    assert_eq!(members.len(), 1, "{household}");
    assert!(!members.contains(&li.as_str()), "she left H001");
    let twice = post_json(&app, &helper, &path, confirm).await;
    assert_eq!(twice.status().as_u16(), 422, "an outcome is recorded once");
    let open = app.get_json(&helper, "/api/v1/tasks").await;
    assert_eq!(open["total"], 0);
    let done_list = app.get_json(&helper, "/api/v1/tasks?state=done").await;
    assert_eq!(done_list["total"], 1);
    let none = app.get(&helper, &format!("{path}/attachment")).await;
    assert_eq!(none.status().as_u16(), 404);
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn warnings_close_with_an_attachment_and_filters_are_checked() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    assert_eq!(check(&app, &admin, true).await.status().as_u16(), 200);

    let all = app.get_json(&admin, "/api/v1/tasks?state=all").await;
    assert_eq!(all["total"], 3, "{all}");
    let warnings = app.get_json(&admin, "/api/v1/tasks?handling=warning").await;
    assert_eq!(warnings["total"], 1);
    let warning = &warnings["items"][0];
    assert_eq!(warning["finding"], "medical_burden");
    assert!(warning["due_on"].is_null() && warning["assignee"].is_null());
    let cars = app.get_json(&admin, "/api/v1/tasks?finding=vehicle").await;
    assert_eq!(cars["total"], 1);
    let langya = app
        .get_json(&admin, "/api/v1/tasks?region=341102000000")
        .await;
    assert_eq!(langya["total"], 2);
    let paged = app
        .get_json(&admin, "/api/v1/tasks?per_page=1&page=2")
        .await;
    assert_eq!(
        (
            paged["total"].as_u64(),
            paged["items"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );

    // Unknown values are 400; a region outside reach is 404, as if it did not exist.
    for bad in [
        "state=late",
        "handling=x",
        "finding=cat",
        "per_page=500",
        "page=0",
        "region=12",
    ] {
        let r = app.get(&admin, &format!("/api/v1/tasks?{bad}")).await;
        assert_eq!(r.status().as_u16(), 400, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let official = app.sign_in("tianchang").await;
    let outside = app
        .get(&official, "/api/v1/tasks?region=341102000000")
        .await;
    assert_eq!(outside.status().as_u16(), 404);
    let mine = app
        .get_json(&official, "/api/v1/tasks?region=341181100201")
        .await;
    assert_eq!(mine["total"], 1);

    // The warning closes with the reason and a PNG, sent back as kept.
    let seq = warning["seq"].as_i64().unwrap().to_string();
    let path = format!("/api/v1/tasks/H101/{seq}");
    let fields = [
        ("outcome", "closed"),
        ("on", "2017-01-05"),
        ("reason", "已纳入医疗救助"),
    ];
    let closed = post_multipart(
        &app,
        &admin,
        &path,
        &fields,
        &[("attachment", "凭证.png", PNG)],
    )
    .await;
    assert_eq!(closed.status().as_u16(), 200);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!(closed["outcome"], "closed");
    assert_eq!(closed["attachment"]["content_type"], "image/png");
    assert_eq!(closed["attachment"]["name"], "凭证.png");
    let sent = app.get(&admin, &format!("{path}/attachment")).await;
    assert_eq!(sent.status().as_u16(), 200);
    assert_eq!(sent.headers()["content-type"], "image/png");
    assert_eq!(sent.bytes().await.unwrap().as_ref(), PNG);
    // Another county's official reaches neither the task nor its attachment.
    let attachment = app.get(&official, &format!("{path}/attachment")).await;
    assert_eq!(attachment.status().as_u16(), 404);
    let fields = [("outcome", "confirmed"), ("on", "2017-01-05")];
    let vehicle = cars["items"][0]["seq"].as_i64().unwrap();
    let r = post_multipart(
        &app,
        &official,
        &format!("/api/v1/tasks/H101/{vehicle}"),
        &fields,
        &[],
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_upload_is_refused_and_records_nothing() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let bad = format!(
        "id_number,name,died_on\n{},李秀英,2016-13-01\n",
        id(341181, "1972-08-19", 22)
    );
    let files = [
        ("files", "deaths.csv", bad.as_bytes()),
        ("files", "pets.csv", b"id_number,name\n".as_slice()),
    ];
    let sent = post_multipart(
        &app,
        &admin,
        "/api/v1/crosscheck",
        &[("apply", "1")],
        &files,
    )
    .await;
    assert_eq!(sent.status().as_u16(), 422);
    assert_eq!(sent.headers()["content-type"], "application/problem+json");
    let problem: Value = sent.json().await.unwrap();
    let text = problem.to_string();
    assert!(text.contains("未登记任何结果"), "{text}");
    assert!(
        !text.contains("/tmp") && !text.contains("upload/"),
        "no server folder: {text}"
    );
    let files: Vec<&str> = (problem["errors"].as_array().unwrap().iter())
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"deaths.csv") && files.contains(&"pets.csv"),
        "{text}"
    );
    let all = app.get_json(&admin, "/api/v1/tasks?state=all").await;
    assert_eq!(all["total"], 0, "nothing recorded");

    // A workbook that is none: named as sent, the server's folder cut from the message.
    let book = [("files", "d.xlsx", b"not a workbook".as_slice())];
    let r = post_multipart(&app, &admin, "/api/v1/crosscheck", &[], &book).await;
    assert_eq!(r.status().as_u16(), 422);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("d.xlsx") && !text.contains("/d.xlsx"),
        "{text}"
    );
    assert!(!text.contains("/tmp"), "{text}");

    // Nothing sent, a zip, a day after today and an unknown `apply` are refused too.
    let none = post_multipart(&app, &admin, "/api/v1/crosscheck", &[], &[]).await;
    assert_eq!(none.status().as_u16(), 422);
    let zip = [("files", "d.zip", b"PK".as_slice())];
    let r = post_multipart(&app, &admin, "/api/v1/crosscheck", &[], &zip).await;
    assert_eq!(r.status().as_u16(), 422);
    let ok = [(
        "files",
        "deaths.csv",
        b"id_number,name,died_on\n".as_slice(),
    )];
    let tomorrow = (chrono::Local::now().date_naive() + chrono::Days::new(1)).to_string();
    let later = post_multipart(
        &app,
        &admin,
        "/api/v1/crosscheck",
        &[("as_of", tomorrow.as_str())],
        &ok,
    )
    .await;
    assert_eq!(later.status().as_u16(), 422);
    let odd = post_multipart(&app, &admin, "/api/v1/crosscheck", &[("apply", "yes")], &ok).await;
    assert_eq!(odd.status().as_u16(), 400);
    let empty = post_multipart(&app, &admin, "/api/v1/crosscheck", &[], &ok).await;
    assert_eq!(empty.status().as_u16(), 200);
    app.cleanup().await;
}
