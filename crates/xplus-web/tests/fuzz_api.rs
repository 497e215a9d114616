//! A mutation fuzzer for the API's request bodies: every write the API offers (a household, a
//! member, an income, a new household, a ledger row, a cadre's and a unit's pairing, a
//! monitoring case, its measure and its closing) is sent
//! with its body changed — a field set to a value of fuzz/dictionary.txt, to null, a number,
//! an array or an object, removed, doubled by an unknown field, the JSON cut short — and with
//! odd ids in the path and stale or missing If-Match headers, as the administrator or as an
//! official of another region. No answer may be a 5xx, and a refusal (4xx) must leave the data
//! and the audit log exactly as they were.
//!
//! Not part of the everyday `cargo test`; CI runs it for a set time:
//! `XPLUS_FUZZ_SECONDS=60 cargo test -p xplus-web --test fuzz_api -- --ignored --nocapture`

mod common;
#[path = "../../../fuzz/support.rs"]
mod support;

use common::{App, Session};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// What the database holds, cheaply: the audit log's head (every write appends to it) and
/// household H001's fingerprint.
async fn state(app: &App) -> (i64, String, String) {
    let (seq, hash) = app.store.read_audit(&mut |_| Ok(())).await.unwrap();
    (seq, hash, app.fingerprint("H001").await)
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One change to a JSON body.
fn mutate(rng: &mut ChaCha8Rng, body: &mut Value, dict: &[String]) -> String {
    // The object to change: the body itself, or the first row of a `rows` body.
    let target = match body {
        Value::Object(o) if o.contains_key("rows") => o
            .get_mut("rows")
            .and_then(|r| r.get_mut(0))
            .filter(|r| r.is_object()),
        Value::Object(_) => Some(&mut *body),
        _ => None,
    };
    let Some(Value::Object(object)) = target else {
        *body = Value::String(pick(rng, dict).clone());
        return "body replaced by a string".into();
    };
    let keys: Vec<String> = object.keys().cloned().collect();
    let key = if keys.is_empty() {
        "x".to_string()
    } else {
        pick(rng, &keys).clone()
    };
    let value = pick(rng, dict).clone();
    match rng.random_range(0..9) {
        0..=3 => {
            object.insert(key.clone(), Value::String(value.clone()));
            format!("{key} = {value:?}")
        }
        4 => {
            let odd = match rng.random_range(0..5) {
                0 => Value::Null,
                1 => json!(rng.random::<i64>()),
                2 => json!(true),
                3 => json!([value.clone()]),
                _ => json!({ "v": value.clone() }),
            };
            object.insert(key.clone(), odd.clone());
            format!("{key} = {odd}")
        }
        5 => {
            object.remove(&key);
            format!("{key} removed")
        }
        6 => {
            object.insert(value.clone(), Value::String(value.clone()));
            format!("unknown field {value:?}")
        }
        7 => {
            let long = "字".repeat(rng.random_range(1..200_000));
            object.insert(key.clone(), Value::String(long));
            format!("{key} = a long text")
        }
        _ => {
            *body = json!([]);
            "body replaced by an array".into()
        }
    }
}

/// The API's writes: method, path, body (the household's own rows where it has them).
async fn targets(app: &App, s: &Session) -> Vec<(&'static str, String, Value)> {
    let detail = app.get_json(s, "/api/v1/households/H001").await;
    // The first case once one is open (H002's declaration opens it), a number of none before.
    let cases = app.get_json(s, "/api/v1/cases?state=all&per_page=1").await;
    let case = cases["items"][0]["case_no"]
        .as_str()
        .unwrap_or("JC341181201700001")
        .to_string();
    vec![
        (
            "PUT",
            "/api/v1/households/H001".into(),
            detail["household"].clone(),
        ),
        (
            "PUT",
            "/api/v1/households/H001/members".into(),
            detail["members"][0].clone(),
        ),
        (
            "PUT",
            "/api/v1/households/H001/incomes".into(),
            detail["incomes"][0].clone(),
        ),
        (
            "POST",
            "/api/v1/households".into(),
            json!({"household_id": "H900", "village_code": "341181100201", "identified_year": "2016",
                   "status": "poor", "causes": "illness", "food_secure": "1", "clothing_secure": "1",
                   "housing_safe": "1", "water_safe": "1"}),
        ),
        (
            "POST",
            "/api/v1/records/visits".into(),
            json!({"rows": [{"cadre_id": "C1", "household_id": "H001", "date": "2026-11-02", "activity": "走访慰问"}]}),
        ),
        (
            "POST",
            "/api/v1/households/H001/pairings".into(),
            json!({"cadre_id": "C1", "start_date": "2026-01-01"}),
        ),
        (
            "POST",
            "/api/v1/unit-pairings".into(),
            json!({"unit_id": "U1", "village_code": "341181100202", "start_date": "2026-01-01", "joint_party_org": "0"}),
        ),
        (
            "POST",
            "/api/v1/cases".into(),
            json!({"household_id": "H002", "source": "declaration", "on": "2017-01-05",
                   "net_income": "4427.99", "rigid_expense": "0", "situation": "因病无法务工"}),
        ),
        (
            "POST",
            format!("/api/v1/cases/{case}/measures"),
            json!({"kind": "assistance", "detail": "纳入农村低保", "responsible": "赵军", "on": "2017-01-20"}),
        ),
        (
            "POST",
            format!("/api/v1/cases/{case}/close"),
            json!({"on": "2017-02-01", "net_income": "4428", "members": 1, "reason": "收入稳定"}),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "runs for a set time; CI runs it with --ignored"]
async fn mutated_request_bodies_get_4xx_and_change_nothing() {
    let (deadline, mut rng, seed) = support::budget("fuzz_api", 30);
    let dict = support::dictionary();
    let app = App::start().await;
    // The administrator reaches everything; an official of another county (西涧街道) is refused
    // most writes, and those refusals must change nothing either.
    let admin = app.sign_in("admin").await;
    let official = app.sign_in("xijian").await;
    let (mut requests, mut refused, mut written) = (0u64, 0u64, 0u64);
    let mut statuses = std::collections::BTreeMap::new();
    while std::time::Instant::now() < deadline {
        let s = if rng.random_bool(0.8) {
            &admin
        } else {
            &official
        };
        let targets = targets(&app, &admin).await;
        let (method, path, base) = pick(&mut rng, &targets).clone();
        let mut body = base;
        let mut steps: Vec<String> = (0..rng.random_range(1..=3))
            .map(|_| mutate(&mut rng, &mut body, &dict))
            .collect();
        let mut path = path;
        if rng.random_bool(0.1) {
            let id: String = pick(&mut rng, &dict)
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect();
            path = path.replace("H001", &id);
            steps.push(format!("path {path}"));
        }
        let mut bytes = serde_json::to_vec(&body).unwrap();
        if rng.random_bool(0.05) {
            bytes.truncate(rng.random_range(0..bytes.len().max(1)));
            steps.push("JSON cut short".into());
        }
        let before = state(&app).await;
        let url = format!("{}{path}", app.base);
        let mut request = match method {
            "PUT" => app.http.put(&url),
            _ => app.http.post(&url),
        }
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header("content-type", "application/json")
        .body(bytes);
        match rng.random_range(0..10) {
            0 => steps.push("no If-Match".into()),
            1 => {
                request = request.header("if-match", "\"stale\"");
                steps.push("a stale If-Match".into());
            }
            _ => request = request.header("if-match", format!("\"{}\"", before.2)),
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        requests += 1;
        *statuses.entry(status).or_insert(0u64) += 1;
        assert!(
            status < 500,
            "{method} {path} (XPLUS_FUZZ_SEED={seed}) answered {status}: {text}\nsteps: {steps:#?}"
        );
        if status >= 400 {
            refused += 1;
            assert_eq!(
                state(&app).await,
                before,
                "{method} {path} (XPLUS_FUZZ_SEED={seed}) was refused ({status}) but changed the data\nsteps: {steps:#?}"
            );
        } else {
            written += 1;
        }
    }
    println!(
        "fuzz_api: {requests} requests, {refused} refused, {written} written, statuses {statuses:?}, server errors 0"
    );
    assert!(requests > 0);
    app.cleanup().await;
}
