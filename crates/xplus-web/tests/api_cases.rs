//! Monitoring cases through the JSON API (issue 21): a county official opens a case on H002's
//! declaration just below the monitoring line (at the line it does not qualify), a second
//! opening is 409, a household outside the registry with a bad identity number is 422; another
//! county's official reaches neither the case nor the list, an auditor reads but does not
//! write; a measure, then the closing at the line, and the closed list holds the case. Bodies
//! that are not what they must be are 400 or 422 naming the fields, never 500.

mod common;

use common::{id, App, Session};
use serde_json::{json, Value};

async fn post_json(app: &App, s: &Session, path: &str, body: Value) -> reqwest::Response {
    app.post_json(s, path, body).await
}

async fn status_of(app: &App, s: &Session, path: &str, body: Value) -> u16 {
    post_json(app, s, path, body).await.status().as_u16()
}

/// H002 (exited in 2015, one member) declares its risk; 2017's line is 2,952.00 × 150 % =
/// 4,428.00 yuan per person.
fn declaration(net_income: &str) -> Value {
    json!({
        "household_id": "H002",
        "source": "declaration",
        "on": "2017-01-05",
        "net_income": net_income,
        "situation": "因病无法务工",
    })
}

/// The `field`s the problem answer names.
async fn refused_fields(response: reqwest::Response) -> Vec<String> {
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    (problem["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter())
    .map(|e| e["field"].as_str().unwrap().to_string())
    .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_case_is_opened_helped_and_closed_through_the_api() {
    let app = App::start().await;
    let official = app.sign_in("tianchang").await;

    // At the line H002 does not qualify; a fen below it does.
    let at_line = post_json(&app, &official, "/api/v1/cases", declaration("4428")).await;
    assert_eq!(at_line.status().as_u16(), 422);
    assert!(at_line.text().await.unwrap().contains("4428.00"));
    let opened = post_json(&app, &official, "/api/v1/cases", declaration("4427.99")).await;
    assert_eq!(opened.status().as_u16(), 201);
    assert_eq!(
        opened.headers()["location"],
        "/api/v1/cases/JC341181201700001"
    );
    let case: Value = opened.json().await.unwrap();
    assert_eq!(case["case_no"], "JC341181201700001", "{case}");
    assert_eq!(case["household_id"], "H002");
    assert_eq!(case["village_code"], "341181100202");
    assert_eq!(case["head_name"], "张建国");
    assert_eq!(case["members"], 1);
    assert_eq!(case["category"], "unstable");
    assert_eq!(case["category_label"], "脱贫不稳定户");
    assert_eq!(case["source"], "declaration");
    assert_eq!(case["reasons"], json!(["low_income"]));
    assert_eq!(case["net_income"], "4427.99");
    assert_eq!(case["rigid_expense"], "0.00");
    assert_eq!(case["opened_on"], "2017-01-05");
    assert_eq!(case["opened_by"], "tianchang");
    assert!(case["closed_on"].is_null() && case["close_income"].is_null());
    let head = id(342301, "1950-01-15", 41);
    assert_ne!(
        case["id_number"],
        head.as_str(),
        "an official sees it masked"
    );
    let path = "/api/v1/cases/JC341181201700001";

    // A second opening for the household is a conflict; nothing more is opened.
    let again = post_json(&app, &official, "/api/v1/cases", declaration("4000")).await;
    assert_eq!(again.status().as_u16(), 409);
    assert_eq!(again.headers()["content-type"], "application/problem+json");
    assert!(again.text().await.unwrap().contains("JC341181201700001"));

    // Outside the registry: a bad identity number is refused.
    let outside = json!({
        "outside": {"village_code": "341181100201", "head_name": "钱七",
                    "id_number": "34118119800101003", "members": 2},
        "source": "round", "on": "2017-01-06", "net_income": "3000",
        "situation": "入户排查发现",
    });
    let bad_id = post_json(&app, &official, "/api/v1/cases", outside).await;
    assert_eq!(bad_id.status().as_u16(), 422);
    assert!(bad_id.text().await.unwrap().contains("户主身份证号"));

    // Another county's official reaches neither the case nor the list; the admin sees the
    // number whole; an auditor reads it but writes nothing.
    let xijian = app.sign_in("xijian").await;
    assert_eq!(app.get(&xijian, path).await.status().as_u16(), 404);
    let theirs = app.get_json(&xijian, "/api/v1/cases?state=all").await;
    assert_eq!(theirs["total"], 0, "{theirs}");
    let measure = json!({"kind": "assistance", "detail": "纳入农村低保",
                         "responsible": "赵军", "on": "2017-01-20"});
    let measures = format!("{path}/measures");
    assert_eq!(
        status_of(&app, &xijian, &measures, measure.clone()).await,
        404
    );
    let admin = app.sign_in("admin").await;
    let whole = app.get_json(&admin, path).await;
    assert_eq!(whole["case"]["id_number"], head.as_str());
    let auditor = app.sign_in("auditor").await;
    assert_eq!(app.get(&auditor, path).await.status().as_u16(), 200);
    let forbidden = post_json(&app, &auditor, &measures, measure.clone()).await;
    assert_eq!(forbidden.status().as_u16(), 403);
    assert_eq!(
        forbidden.headers()["content-type"],
        "application/problem+json"
    );
    let audit_open = post_json(&app, &auditor, "/api/v1/cases", declaration("1")).await;
    assert_eq!(audit_open.status().as_u16(), 403);

    // The risk is removed only after a measure, and at the line.
    let close = format!("{path}/close");
    let closing = json!({"on": "2017-02-01", "net_income": "4428", "members": 1,
                         "reason": "享受低保后收入稳定"});
    let early = post_json(&app, &official, &close, closing.clone()).await;
    assert_eq!(early.status().as_u16(), 422);
    assert!(early.text().await.unwrap().contains("尚未落实帮扶措施"));
    let added = post_json(&app, &official, &measures, measure).await;
    assert_eq!(added.status().as_u16(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["seq"], 1);
    assert_eq!(added["kind"], "assistance");
    assert_eq!(added["on"], "2017-01-20");
    assert_eq!(added["recorded_by"], "tianchang");
    let mut below = closing.clone();
    below["net_income"] = json!("4427.99");
    let below = post_json(&app, &official, &close, below).await;
    assert_eq!(below.status().as_u16(), 422);
    assert!(below.text().await.unwrap().contains("低于监测标准"));
    let closed = post_json(&app, &official, &close, closing.clone()).await;
    assert_eq!(closed.status().as_u16(), 200);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!(closed["closed_on"], "2017-02-01");
    assert_eq!(closed["close_income"], "4428.00");
    assert_eq!(closed["close_reason"], "享受低保后收入稳定");
    assert_eq!(closed["closed_by"], "tianchang");
    let twice = post_json(&app, &official, &close, closing).await;
    assert_eq!(twice.status().as_u16(), 422, "the risk is removed once");

    // The case with its measure; the lists by state and category.
    let detail = app.get_json(&official, path).await;
    assert_eq!(detail["case"]["closed_on"], "2017-02-01");
    assert_eq!(detail["measures"].as_array().unwrap().len(), 1, "{detail}");
    assert_eq!(detail["measures"][0]["detail"], "纳入农村低保");
    let numbers = |list: &Value| -> Vec<String> {
        (list["items"].as_array().unwrap().iter())
            .map(|c| c["case_no"].as_str().unwrap().to_string())
            .collect()
    };
    let done = app.get_json(&official, "/api/v1/cases?state=closed").await;
    assert_eq!(done["total"], 1, "{done}");
    assert_eq!(numbers(&done), ["JC341181201700001"]);
    let open = app.get_json(&official, "/api/v1/cases").await;
    assert_eq!(open["total"], 0, "{open}");
    assert_eq!(
        open["open_by_category"],
        json!({"edge": 0, "sudden": 0, "unstable": 0})
    );
    let unstable = app
        .get_json(&official, "/api/v1/cases?category=unstable&state=all")
        .await;
    assert_eq!(numbers(&unstable), ["JC341181201700001"]);
    let edge = app
        .get_json(
            &official,
            "/api/v1/cases?category=edge&state=all&per_page=10&page=1",
        )
        .await;
    assert_eq!(
        (edge["total"].as_u64(), edge["per_page"].as_u64()),
        (Some(0), Some(10))
    );
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_queries_and_bodies_are_refused_as_problems() {
    let app = App::start().await;
    let official = app.sign_in("tianchang").await;
    for bad in [
        "state=late",
        "category=cat",
        "page=0",
        "page=abc",
        "per_page=500",
        "page=99999999999",
    ] {
        let r = app.get(&official, &format!("/api/v1/cases?{bad}")).await;
        assert_eq!(r.status().as_u16(), 400, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let far = app
        .get_json(&official, "/api/v1/cases?page=4294967296")
        .await;
    assert_eq!(far["items"], json!([]));
    assert_eq!(
        app.get(&official, "/api/v1/cases/JC%00")
            .await
            .status()
            .as_u16(),
        404
    );

    // Each field that is not what it must be is named, all at once.
    let mut body = declaration("三千");
    body["source"] = json!("maybe");
    body["on"] = json!("2017-13-01");
    body["rigid_expense"] = json!("90000000000000000");
    let fields = refused_fields(post_json(&app, &official, "/api/v1/cases", body).await).await;
    assert_eq!(fields, ["source", "on", "net_income", "rigid_expense"]);
    let mut both = declaration("4000");
    both["outside"] = json!({"village_code": "341181100201", "head_name": "钱七",
                             "id_number": id(341181, "1980-01-01", 33), "members": 2});
    let fields = refused_fields(post_json(&app, &official, "/api/v1/cases", both).await).await;
    assert_eq!(fields, ["outside"]);
    let neither = json!({"source": "round", "on": "2017-01-05", "situation": "x"});
    let fields = refused_fields(post_json(&app, &official, "/api/v1/cases", neither).await).await;
    assert_eq!(fields, ["household_id"]);
    let mut odd_village = declaration("4000");
    odd_village.as_object_mut().unwrap().remove("household_id");
    odd_village["outside"] = json!({"village_code": "12", "head_name": "钱七",
                                    "id_number": id(341181, "1980-01-01", 33), "members": 2});
    let fields =
        refused_fields(post_json(&app, &official, "/api/v1/cases", odd_village).await).await;
    assert_eq!(fields, ["outside.village_code"]);

    // An unknown field, a wrong type, an array: 422; JSON cut short: 400; a warning cannot be
    // declared; a day after today has not happened.
    let mut unknown = declaration("4000");
    unknown["colour"] = json!("red");
    let mut typed = declaration("4000");
    typed["net_income"] = json!(4000);
    let mut warning = declaration("4000");
    warning["source"] = json!("warning");
    let mut later = declaration("4000");
    later["on"] = json!("2999-01-01");
    for body in [unknown, typed, json!([]), warning, later] {
        assert_eq!(
            status_of(&app, &official, "/api/v1/cases", body.clone()).await,
            422,
            "{body}"
        );
    }
    let cut = app
        .http
        .post(format!("{}/api/v1/cases", app.base))
        .header("cookie", &official.cookie)
        .header("x-csrf-token", &official.csrf)
        .header("content-type", "application/json")
        .body("{\"household_id\": \"H0")
        .send()
        .await
        .unwrap();
    assert_eq!(cut.status().as_u16(), 400);

    // A session's write without its CSRF header is refused.
    let forged = app
        .http
        .post(format!("{}/api/v1/cases", app.base))
        .header("cookie", &official.cookie)
        .json(&declaration("4000"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);

    // Measures and closings of a case that does not exist, and odd bodies for them.
    let measure = json!({"kind": "cake", "detail": "", "responsible": "赵军", "on": "x"});
    let fields =
        refused_fields(post_json(&app, &official, "/api/v1/cases/JC1/measures", measure).await)
            .await;
    assert_eq!(fields, ["kind", "on"]);
    let measure = json!({"kind": "health", "detail": "送医", "responsible": "赵军",
                         "on": "2017-01-05"});
    let path = "/api/v1/cases/JC341181201799999/measures";
    assert_eq!(status_of(&app, &official, path, measure).await, 404);
    let closing = json!({"on": "2017-02-01", "net_income": "", "members": 1, "reason": "稳定"});
    let path = "/api/v1/cases/JC341181201799999/close";
    let fields = refused_fields(post_json(&app, &official, path, closing).await).await;
    assert_eq!(fields, ["net_income"]);
    let closing = json!({"on": "2017-02-01", "net_income": "5000", "members": 1e3,
                         "reason": "稳定"});
    assert_eq!(status_of(&app, &official, path, closing).await, 422);
    let all = app.get_json(&official, "/api/v1/cases?state=all").await;
    assert_eq!(all["total"], 0, "nothing opened: {all}");
    app.cleanup().await;
}

/// The document describes every operation, with the bodies and answers the handlers use.
#[tokio::test(flavor = "multi_thread")]
async fn the_document_describes_the_case_operations() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let doc = app.get_json(&admin, "/api/openapi.json").await;
    let paths = &doc["paths"];
    for (path, method, operation) in [
        ("/api/v1/cases", "get", "list_cases"),
        ("/api/v1/cases", "post", "open_case"),
        ("/api/v1/cases/{case_no}", "get", "case_detail"),
        ("/api/v1/cases/{case_no}/measures", "post", "add_measure"),
        ("/api/v1/cases/{case_no}/close", "post", "close_case"),
    ] {
        let op = &paths[path][method];
        assert_eq!(op["operationId"], operation, "{path} {method}");
        assert!(op["responses"]["401"].is_object(), "{path} {method}");
    }
    let schemas = &doc["components"]["schemas"];
    for name in [
        "CaseList",
        "CaseItem",
        "CaseDetail",
        "MeasureItem",
        "NewCase",
        "NewMeasure",
    ] {
        assert!(schemas[name].is_object(), "{name}");
    }
    assert!(schemas["CaseClosing"]["required"]
        .as_array()
        .unwrap()
        .contains(&json!("net_income")));
    app.cleanup().await;
}
