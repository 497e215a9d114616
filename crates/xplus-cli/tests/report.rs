//! `xplus report` on the county demo against figures recomputed here in SQL over the same
//! database (rusqlite, no xplus code): households and persons poor and exited, villages, two
//! links of the chain, the collective economy, the funds by source, industry, training, and the official rural income
//! per head with its growth (10,070 → 10,956 yuan shows as 8.8%). The xlsx and html are written
//! and hold the same figures.

mod common;

use common::*;
use rusqlite::Connection;
use serde_json::Value;
use std::path::Path;

fn count(conn: &Connection, sql: &str) -> u64 {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64
}

fn report(db: &str, dir: &Path, format: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(format!("r.{format}"));
    let mut args = vec![
        "report",
        "--year",
        "2016",
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = xplus(db, &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    out
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const POOR_AT_START: &str = "identified_year <= 2016 AND (status IN ('poor', 'returned') \
     OR (status IN ('exited', 'monitored') AND exit_year >= 2016))";

#[test]
fn report_figures_agree_with_sql() {
    let tmp = tempfile::tempdir().unwrap();
    let db = imported_county_demo(tmp.path());
    let file = tmp.path().join("x.db");
    let conn = Connection::open(&file).unwrap();

    // Before the year is applied: the links of the chain over the households poor at its start.
    let r = json(&report(&db, tmp.path(), "json", &[]));
    let c = &r["coverage"];
    let poor_at_start = count(
        &conn,
        &format!("SELECT count(*) FROM households WHERE {POOR_AT_START}"),
    );
    assert_eq!(c["poor_at_start"], poor_at_start);
    let trained = count(
        &conn,
        &format!(
            "SELECT count(*) FROM households h WHERE {POOR_AT_START} AND EXISTS (
               SELECT 1 FROM attendance a JOIN training_sessions t ON t.session_id = a.session_id
               WHERE a.household_id = h.household_id
                 AND t.date BETWEEN '2016-01-01' AND '2016-12-31')"
        ),
    );
    assert_eq!(c["trained_in_year"], trained);
    let paired = count(
        &conn,
        &format!(
            "SELECT count(*) FROM households h WHERE {POOR_AT_START} AND EXISTS (
               SELECT 1 FROM cadre_household_pairings p WHERE p.household_id = h.household_id
                 AND p.start_date <= '2016-12-31'
                 AND (p.end_date IS NULL OR p.end_date >= '2016-12-31'))"
        ),
    );
    assert_eq!(c["paired_cadre"], paired);
    let full = c["full_chain"].as_u64().unwrap();
    for link in [
        "trained_in_year",
        "paired_cadre",
        "paired_unit_village",
        "holding_shares",
        "in_industry",
    ] {
        assert!(full <= c[link].as_u64().unwrap(), "{link}");
    }
    assert!(trained > 0 && paired > 0 && full > 0);

    // The year applied: its exits are recorded.
    let out = tmp.path().join("a");
    let o = xplus(
        &db,
        &[
            "assess",
            "--year",
            "2016",
            "--out",
            out.to_str().unwrap(),
            "--apply",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r = json(&report(&db, tmp.path(), "json", &[]));
    assert_eq!(r["year"], 2016);
    let h = &r["households"];
    let poor = "status IN ('poor', 'returned')";
    assert_eq!(
        h["poor"],
        count(
            &conn,
            &format!("SELECT count(*) FROM households WHERE {poor}")
        )
    );
    let exited = count(
        &conn,
        "SELECT count(*) FROM households WHERE exit_year = 2016",
    );
    assert!(
        exited > 1000,
        "the demo's 2016 exits were applied: {exited}"
    );
    assert_eq!(h["exited_in_year"], exited);
    assert_eq!(
        h["monitored"],
        count(
            &conn,
            "SELECT count(*) FROM households WHERE status = 'monitored'"
        )
    );
    assert_eq!(
        h["returned"],
        count(
            &conn,
            "SELECT count(*) FROM households WHERE status = 'returned'"
        )
    );
    let persons = |filter: &str| {
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM members m JOIN households h
                 ON h.household_id = m.household_id WHERE {filter}"
            ),
        )
    };
    assert_eq!(r["persons"]["poor"], persons(&format!("h.{poor}")));
    assert_eq!(
        r["persons"]["exited_in_year"],
        persons("h.exit_year = 2016")
    );

    let v = &r["villages"];
    let villages = |filter: &str| {
        count(
            &conn,
            &format!("SELECT count(*) FROM villages WHERE poor_village = 1 AND ({filter})"),
        )
    };
    assert_eq!(
        v["poor"],
        villages("exit_year IS NULL OR exit_year >= 2016")
    );
    assert_eq!(v["exited_in_year"], villages("exit_year = 2016"));
    assert_eq!(
        v["remaining"],
        villages("exit_year IS NULL OR exit_year > 2016")
    );
    assert!(v["exited_in_year"].as_u64().unwrap() > 0);

    // 选派干部驻村 on Dec 31: a poor village left at the end with a selected cadre posted then,
    // a recall ending the posting on its decision day (the recalls of the demo all fall in 2016).
    let b = &r["backbone"];
    assert_eq!(b["poor_villages"], v["remaining"]);
    let posted_on_dec31 = "FROM postings p JOIN cadres c ON c.cadre_id = p.cadre_id \
         WHERE c.role IN ('first_secretary', 'work_team') AND p.start_date <= '2016-12-31' \
         AND (p.end_date IS NULL OR p.end_date >= '2016-12-31') AND NOT EXISTS (SELECT 1 \
         FROM recalls r WHERE r.cadre_id = p.cadre_id AND r.decision_date >= p.start_date \
         AND r.decision_date < '2016-12-31')";
    assert_eq!(
        b["covered"],
        villages(&format!(
            "(exit_year IS NULL OR exit_year > 2016) AND village_code IN \
             (SELECT p.village_code {posted_on_dec31})"
        ))
    );
    assert_eq!(
        b["cadres_posted"],
        count(
            &conn,
            &format!("SELECT count(DISTINCT p.cadre_id) {posted_on_dec31}")
        )
    );
    assert!(b["covered"].as_u64().unwrap() > 0);

    // 基层党组织建设 on Dec 31: the demo's rectifications of 2017 do not count yet; a village
    // meets the standard when all seven of its checks of 2016 are met.
    let pb = &r["party_building"];
    let weak = |cond: &str| {
        count(
            &conn,
            &format!("SELECT count(*) FROM weak_organisations WHERE year <= 2016 {cond}"),
        )
    };
    assert_eq!(pb["weak_organisations"], weak(""));
    assert_eq!(pb["rectified"], weak("AND rectified_date <= '2016-12-31'"));
    assert!(pb["weak_organisations"].as_u64().unwrap() > 0);
    let checks = "FROM standardisation_checks WHERE year = 2016 AND checked_date <= '2016-12-31'";
    assert_eq!(
        pb["villages_checked"],
        count(
            &conn,
            &format!("SELECT count(DISTINCT village_code) {checks}")
        )
    );
    assert_eq!(
        pb["villages_meeting"],
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM (SELECT village_code {checks} AND met = 1 \
                 GROUP BY village_code HAVING count(*) = 7)"
            )
        )
    );
    // 村干部 and the leader pool on Dec 31 (core backbone::village_cadre).
    let vc = &r["village_cadres"];
    assert_eq!(vc["poor_villages"], v["remaining"]);
    assert_eq!(
        vc["in_office"],
        count(
            &conn,
            "SELECT count(*) FROM village_cadres WHERE start_date <= '2016-12-31' \
             AND (end_date IS NULL OR end_date >= '2016-12-31')"
        )
    );
    assert_eq!(
        vc["degree"],
        count(
            &conn,
            "SELECT count(DISTINCT village_cadre_id) FROM village_cadre_development \
             WHERE kind = 'degree' AND start_date <= '2016-12-31'"
        )
    );
    assert_eq!(
        vc["secretaries_trained"],
        villages(
            "(exit_year IS NULL OR exit_year > 2016) AND village_code IN (SELECT s.village_code \
             FROM secretaries s JOIN secretary_development d ON d.secretary_id = s.secretary_id \
             WHERE d.kind = 'training' AND d.start_date BETWEEN '2016-01-01' AND '2016-12-31' \
             AND s.start_date <= '2016-12-31' \
             AND (s.end_date IS NULL OR s.end_date >= '2016-12-31'))"
        )
    );
    let promoted = "SELECT p.leader_id FROM leader_pool p JOIN secretaries s \
         ON s.secretary_id = p.secretary_id WHERE s.start_date <= '2016-12-31'";
    assert_eq!(
        vc["pool"],
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM leader_pool WHERE entered_date <= '2016-12-31' \
                 AND (left_date IS NULL OR left_date >= '2016-12-31') \
                 AND leader_id NOT IN ({promoted})"
            )
        )
    );
    assert_eq!(
        vc["promoted"],
        count(&conn, &format!("SELECT count(*) FROM ({promoted}) t"))
    );
    assert!(vc["pool"].as_u64().unwrap() > 0 && vc["promoted"].as_u64().unwrap() > 0);
    // 大学生村官创业 on Dec 31: the start-ups begun by then, and the poor households linked to
    // them by then, each once; the demo writes as many links as each start-up declares.
    let s = &r["startups"];
    let begun = "FROM startups WHERE start_date IS NULL OR start_date <= '2016-12-31'";
    assert_eq!(
        s["startups"],
        count(&conn, &format!("SELECT count(*) {begun}"))
    );
    assert_eq!(
        s["bases"],
        count(&conn, &format!("SELECT count(DISTINCT base) {begun}"))
    );
    let linked = "SELECT count(DISTINCT l.household_id) FROM startup_households l \
         JOIN startups s ON s.startup_id = l.startup_id WHERE l.join_date <= '2016-12-31' \
         AND (s.start_date IS NULL OR s.start_date <= '2016-12-31')";
    assert_eq!(s["households"], count(&conn, linked));
    assert!(s["households"].as_u64().unwrap() > 0);
    assert_eq!(
        count(
            &conn,
            "SELECT coalesce(sum(households_brought), 0) FROM startups"
        ),
        count(&conn, "SELECT count(*) FROM startup_households")
    );

    // rules.md §9 defaults: below 50,000 yuan is an empty shell; 100,000 and above is strong.
    let k = &r["collective"];
    assert_eq!(
        k["empty_shell_villages"],
        count(
            &conn,
            "SELECT count(*) FROM collective_income WHERE year = 2016 AND operating_income < 5000000"
        )
    );
    assert_eq!(
        k["villages_over_100k"],
        count(
            &conn,
            "SELECT count(*) FROM collective_income WHERE year = 2016 AND operating_income >= 10000000"
        )
    );
    assert_eq!(k["strong_income"], 100000.0);
    assert_eq!(
        r["industry"]["projects"],
        count(
            &conn,
            "SELECT count(*) FROM ovop_projects WHERE year IS NULL OR year <= 2016"
        )
    );
    assert_eq!(
        r["industry"]["organisations"],
        count(&conn, "SELECT count(*) FROM party_orgs")
    );
    let t = &r["training"];
    let in_2016 = "FROM attendance a JOIN training_sessions t ON t.session_id = a.session_id \
                   WHERE t.date BETWEEN '2016-01-01' AND '2016-12-31'";
    assert_eq!(
        t["sessions"],
        count(
            &conn,
            &format!("SELECT count(DISTINCT a.session_id) {in_2016}")
        )
    );
    assert_eq!(
        t["attendance"],
        count(&conn, &format!("SELECT count(*) {in_2016}"))
    );

    // 多元投入: every fund of 2016, by source, in fen.
    let f = &r["funds"];
    let fen = |v: &Value| (v.as_f64().unwrap() * 100.0).round() as u64;
    assert_eq!(
        fen(&f["total"]),
        count(&conn, "SELECT sum(amount) FROM funds WHERE year = 2016")
    );
    assert_eq!(
        f["funds"],
        count(&conn, "SELECT count(*) FROM funds WHERE year = 2016")
    );
    for s in f["by_source"].as_array().unwrap() {
        let sql = format!(
            "SELECT coalesce(sum(amount), 0) FROM funds WHERE year = 2016 AND source = '{}'",
            s["source"].as_str().unwrap()
        );
        assert_eq!(fen(&s["amount"]), count(&conn, &sql), "{s}");
    }
    assert!(f["total"].as_f64().unwrap() > 0.0, "the demo has funds");

    // The case report's other figures, counted the same way here.
    let case = &r["case_figures"];
    for (key, sql) in [
        (
            "stations",
            "SELECT count(*) FROM stations WHERE kind = 'station' AND upgraded_year <= 2016",
        ),
        (
            "learning_households",
            "SELECT count(*) FROM stations WHERE kind = 'learning_household'",
        ),
        (
            "selected_cadres",
            "SELECT count(DISTINCT p.cadre_id) FROM postings p JOIN cadres c \
             ON c.cadre_id = p.cadre_id WHERE c.role IN ('first_secretary', 'work_team') \
             AND p.start_date <= '2016-12-31'",
        ),
        (
            "job_fairs",
            "SELECT count(*) FROM job_fairs WHERE date BETWEEN '2016-01-01' AND '2016-12-31'",
        ),
        ("startup_households", linked),
        (
            "loans",
            "SELECT count(*) FROM loans WHERE start_date <= '2016-12-31'",
        ),
    ] {
        assert_eq!(case[key]["counted"], count(&conn, sql), "{key}");
    }

    // The case report's figure: Chuzhou's rural income per head, 10,070 → 10,956 yuan.
    let chuzhou = r["rural_income"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["region_code"] == "341100000000")
        .expect("Chuzhou's statistics");
    assert_eq!(chuzhou["previous"], 10070.0);
    assert_eq!(chuzhou["per_capita"], 10956.0);
    assert_eq!(chuzhou["growth"], "8.8%");

    // One county: the province's and city's statistics are outside it; its own are there.
    let r = json(&report(
        &db,
        tmp.path(),
        "json",
        &["--region", "341181000000"],
    ));
    assert_eq!(r["region"], "341181000000");
    let codes: Vec<&str> = r["rural_income"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["region_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["341181000000"]);

    // The workbook and the printable page carry the same figures.
    let xlsx = report(&db, tmp.path(), "xlsx", &[]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::{Data, Reader};
    let sheet = book.worksheet_range("贫困户与人口").unwrap();
    assert_eq!(
        sheet.get_value((3, 0)),
        Some(&Data::String(
            "当年脱贫户数 households exited in the year".into()
        ))
    );
    assert_eq!(sheet.get_value((3, 1)), Some(&Data::Float(exited as f64)));
    let income = book.worksheet_range("农村居民收入").unwrap();
    let row = income
        .rows()
        .find(|r| r[0] == Data::String("341100000000".into()))
        .expect("Chuzhou's row");
    assert_eq!(row[2], Data::Float(10956.0));
    assert_eq!(row[3], Data::Float(10070.0));
    assert_eq!(row[4], Data::Float(0.088));
    assert_eq!(
        book.sheet_names(),
        [
            "贫困户与人口",
            "贫困村",
            "大学生村官创业",
            "全链条覆盖",
            "集体经济",
            "产业与就业",
            "远教培训",
            "农村居民收入",
            "多元投入",
            "案例数字"
        ]
    );
    let html = std::fs::read_to_string(report(&db, tmp.path(), "html", &[])).unwrap();
    assert!(html.contains("<svg"), "the coverage chart");
    assert!(html.contains("8.8%"));
    assert!(html.contains(&format!("<td>{exited}</td>")));

    // A format that is not one of the three is refused as bad input.
    let o = xplus(
        &db,
        &[
            "report", "--year", "2016", "--format", "pdf", "--out", "r.pdf",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// The import leaves the roll-ups current: the province's stored figures equal counts over the
/// records, `report --verify` finds nothing, and a figure altered behind xplus's back is found.
#[test]
fn verify_recomputes_the_rollups_and_finds_a_changed_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let db = imported_county_demo(tmp.path());
    let conn = Connection::open(tmp.path().join("x.db")).unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM rollup_dirty"), 0);
    let stored = |measure: &str, year: i64| {
        count(
            &conn,
            &format!(
                "SELECT COALESCE(SUM(value), 0) FROM rollups WHERE parent_code = 0 \
                 AND measure = '{measure}' AND year = {year}"
            ),
        )
    };
    assert_eq!(
        stored("households.poor", 0),
        count(
            &conn,
            "SELECT count(*) FROM households WHERE status IN ('poor', 'returned')"
        )
    );
    assert_eq!(
        stored("persons.poor", 0),
        count(
            &conn,
            "SELECT count(*) FROM members m JOIN households h ON h.household_id = m.household_id \
             WHERE h.status IN ('poor', 'returned')"
        )
    );
    assert_eq!(
        stored("households.exited", 2015),
        count(
            &conn,
            "SELECT count(*) FROM households WHERE exit_year = 2015"
        )
    );
    assert_eq!(
        stored("villages.population", 0),
        count(&conn, "SELECT SUM(population) FROM villages")
    );
    // Each county's figure is the sum of its villages'.
    assert_eq!(
        count(
            &conn,
            "SELECT COALESCE(SUM(value), 0) FROM rollups WHERE measure = 'households.poor' \
             AND region_code % 1000 <> 0"
        ),
        stored("households.poor", 0)
    );

    let o = xplus(&db, &["--lang", "en", "report", "--verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains(", 0 differ"), "{}", text(&o));

    let village: i64 = conn
        .query_row(
            "SELECT region_code FROM rollups WHERE measure = 'households.poor' \
             AND region_code % 1000 <> 0 ORDER BY region_code LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE rollups SET value = value + 1 WHERE measure = 'households.poor' AND region_code = ?",
        [village],
    )
    .unwrap();
    let o = xplus(&db, &["--lang", "en", "report", "--verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("region {village} households.poor")),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains(", 1 differ"), "{}", text(&o));
    assert!(text(&o).contains("1 counties marked"), "{}", text(&o));
    // The next check refreshes the county first, and finds it right again.
    let o = xplus(&db, &["--lang", "en", "report", "--verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("roll-ups updated for 1 counties"),
        "{}",
        text(&o)
    );

    // Without --verify the report still asks for its year, format and file.
    let o = xplus(&db, &["report", "--year", "2016"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
