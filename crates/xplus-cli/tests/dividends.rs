//! `xplus dividends` against rules.md §8: hand-made ties, and the demo's projects checked
//! against a second computation written here (holdings summed from share_events.csv, the split
//! done with whole numbers independently of xplus-core); `--apply` records once.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;

fn write(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// Four households of 甲村 (one head each) and `files` on top, imported into a new database.
fn hand_made(dir: &Path, files: &[(&str, &str)]) -> String {
    let bundle = dir.join("b");
    let ids = [
        "341181197003050113",
        "341181197208190224",
        "341181198011300527",
        "341181195001150410",
    ];
    let mut members = String::from("household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months\n");
    for (i, id) in ids.iter().enumerate() {
        members.push_str(&format!(
            "H{},{id},户主{i},head,healthy,ordinary,none,1,1,0\n",
            i + 1
        ));
    }
    write(
        &bundle,
        &[
            ("regions.csv", "code,name,level,parent_code\n340000000000,安徽省,province,\n341100000000,滁州市,city,340000000000\n341181000000,天长市,county,341100000000\n341181100000,天长街道,town,341181000000\n341181100201,甲村,village,341181100000\n"),
            ("villages.csv", "village_code,poor_village,population,exit_year,planned_exit_year\n341181100201,1,1200,,\n"),
            ("members.csv", &members),
        ],
    );
    write(&bundle, files);
    let db = sqlite(dir, "x.db");
    let o = xplus(&db, &["import", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    db
}

#[test]
fn hand_made_ties_go_to_the_smaller_household_id() {
    let tmp = tempfile::tempdir().unwrap();
    let db = hand_made(
        tmp.path(),
        &[
            ("households.csv", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH1,341181100201,2014,poor,,illness,1,1,1,1\nH2,341181100201,2014,poor,,illness,1,1,1,1\nH3,341181100201,2014,poor,,illness,1,1,1,1\nH4,341181100201,2014,poor,,illness,1,1,1,1\n"),
            ("projects.csv", "project_id,village_code,name,model,share_value,shares_per_household,total_shares,bot_enterprise,concession_start,concession_end\nP1,341181100201,光伏电站,pv,1000,5,20,,,\nP2,341181100201,养殖场,operation,500,1,10,,,\n"),
            // H3 holds P1 shares granted on Dec 31 (counts); H4's grant of Jan 1 next year does not.
            ("share_events.csv", "project_id,household_id,date,kind,shares\nP1,H2,2016-03-01,grant,5\nP1,H1,2016-03-01,grant,5\nP1,H3,2016-12-31,grant,5\nP1,H4,2017-01-01,grant,5\nP2,H1,2016-01-01,grant,1\nP2,H2,2016-01-01,grant,2\nP2,H2,2016-06-01,reclaim,2\n"),
            // P1: 1.00 yuan over three equal holders; P2: 0.07 yuan to H1 alone (H2 gave its shares back).
            ("distributions.csv", "project_id,year,distributable\nP1,2016,1.00\nP2,2016,0.07\n"),
        ],
    );
    let out = tmp.path().join("d.csv");
    let o = xplus(
        &db,
        &[
            "dividends",
            "--year",
            "2016",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let header = std::fs::read_to_string(&out).unwrap();
    assert!(
        header.starts_with("project_id,household_id,shares,amount\n"),
        "{header}"
    );
    let got: Vec<String> = rows(&out).iter().map(|r| r.join(",")).collect();
    assert_eq!(
        got,
        vec![
            "P1,H1,5,0.34",
            "P1,H2,5,0.33",
            "P1,H3,5,0.33",
            "P2,H1,1,0.07"
        ],
        "{}",
        text(&o)
    );
    let o = xplus(
        &db,
        &[
            "dividends",
            "--year",
            "1800",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// Yuan as written in the files ("12", "12.3", "12.34") in fen, parsed here independently.
fn fen(yuan: &str) -> i64 {
    let (whole, part) = yuan.split_once('.').unwrap_or((yuan, "0"));
    whole.parse::<i64>().unwrap() * 100 + format!("{part:0<2}").parse::<i64>().unwrap()
}

/// ⌊D·s/S⌋ and the leftover fen to the largest remainders, ties to the smaller id — written
/// again here with u128, on the demo's files.
fn expected(bundle: &Path, year: i32) -> BTreeMap<(String, String), (i64, i64)> {
    let last = format!("{year}-12-31");
    let mut held: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in rows(&bundle.join("share_events.csv")) {
        if r[2].as_str() <= last.as_str() {
            let n: i64 = r[4].parse().unwrap();
            *held.entry((r[0].clone(), r[1].clone())).or_default() +=
                if r[3] == "grant" { n } else { -n };
        }
    }
    let mut out = BTreeMap::new();
    for r in rows(&bundle.join("distributions.csv")) {
        if r[1] != year.to_string() {
            continue;
        }
        let d = fen(&r[2]) as u128;
        let holders: Vec<(String, u128)> = held
            .iter()
            .filter(|((p, _), s)| *p == r[0] && **s > 0)
            .map(|((_, h), s)| (h.clone(), *s as u128))
            .collect();
        let total: u128 = holders.iter().map(|h| h.1).sum();
        if total == 0 {
            continue;
        }
        let mut shares: Vec<(String, u128, u128, u128)> = holders
            .iter()
            .map(|(h, s)| (h.clone(), *s, d * s / total, d * s % total))
            .collect();
        let left = d - shares.iter().map(|x| x.2).sum::<u128>();
        let mut order: Vec<usize> = (0..shares.len()).collect();
        order.sort_by(|&a, &b| {
            shares[b]
                .3
                .cmp(&shares[a].3)
                .then(shares[a].0.cmp(&shares[b].0))
        });
        for &i in order.iter().take(left as usize) {
            shares[i].2 += 1;
        }
        for (h, s, amount, _) in shares {
            out.insert((r[0].clone(), h), (s as i64, amount as i64));
        }
    }
    out
}

#[test]
fn demo_dividends_agree_with_a_second_computation_and_apply_once() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = county_bundle(tmp.path());
    let db = sqlite(tmp.path(), "x.db");
    let o = xplus(&db, &["import", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = tmp.path().join("d.csv");
    let apply = || {
        xplus(
            &db,
            &[
                "dividends",
                "--year",
                "2016",
                "--out",
                out.to_str().unwrap(),
                "--apply",
            ],
        )
    };
    let o = apply();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let got: BTreeMap<(String, String), (i64, i64)> = rows(&out)
        .into_iter()
        .map(|r| {
            let amount = fen(&r[3]);
            (
                (r[0].clone(), r[1].clone()),
                (r[2].parse().unwrap(), amount),
            )
        })
        .collect();
    let want = expected(&bundle, 2016);
    assert!(!want.is_empty(), "the demo distributes income in 2016");
    assert_eq!(got, want);

    // Applying again with the same result writes nothing; after the income changed it is refused.
    let o = apply();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("未重复写入"), "{}", text(&o));
    let first = rows(&bundle.join("distributions.csv"))
        .into_iter()
        .find(|r| r[1] == "2016")
        .unwrap();
    let change = tmp.path().join("change");
    write(
        &change,
        &[(
            "distributions.csv",
            &format!("project_id,year,distributable\n{},2016,1234.56\n", first[0]),
        )],
    );
    let o = xplus(&db, &["import", change.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = apply();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("已发放记录"), "{}", text(&o));
    // The recorded payments export as dividend_payments.csv.
    let export = tmp.path().join("export");
    let o = xplus(&db, &["export", export.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        rows(&export.join("dividend_payments.csv")).len(),
        want.len()
    );
}

#[test]
fn adjust_reclaims_exits_keeps_pledged_shares_and_grants_returned_first() {
    let tmp = tempfile::tempdir().unwrap();
    let db = hand_made(
        tmp.path(),
        &[
            ("households.csv", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH1,341181100201,2014,exited,2016,illness,1,1,1,1\nH2,341181100201,2014,exited,2016,illness,1,1,1,1\nH3,341181100201,2014,returned,2015,illness,1,1,1,1\nH4,341181100201,2014,poor,,illness,1,1,1,1\n"),
            ("projects.csv", "project_id,village_code,name,model,share_value,shares_per_household,total_shares,bot_enterprise,concession_start,concession_end\nP1,341181100201,光伏电站,pv,1000,5,15,,,\n"),
            ("share_events.csv", "project_id,household_id,date,kind,shares\nP1,H1,2015-03-01,grant,5\nP1,H2,2015-03-01,grant,5\n"),
            // H1 pledged 2 of its shares; the loan is not repaid.
            ("loans.csv", "loan_id,household_id,project_id,pledged_shares,amount,start_date,term_months,repaid_date\nL1,H1,P1,2,10000,2016-05-01,36,\n"),
        ],
    );
    let out = tmp.path().join("adjust.csv");
    let run = |apply: bool| {
        let mut args = vec!["adjust", "--year", "2016", "--out", out.to_str().unwrap()];
        if apply {
            args.push("--apply");
        }
        xplus(&db, &args)
    };
    let o = run(false);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let got: Vec<String> = rows(&out).iter().map(|r| r.join(",")).collect();
    // Pool: 15 − 2 kept by H1 = 13 → H3 (returned) then H4, 5 each; 3 stay in the pool.
    assert_eq!(
        got,
        vec![
            "P1,H1,2017-01-01,reclaim,3",
            "P1,H2,2017-01-01,reclaim,5",
            "P1,H3,2017-01-01,grant,5",
            "P1,H4,2017-01-01,grant,5"
        ]
    );
    assert!(text(&o).contains("质押未还保留 1 笔"), "{}", text(&o));
    let o = run(true);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("已记录 4 笔"), "{}", text(&o));
    let o = run(true);
    assert!(text(&o).contains("未重复写入"), "{}", text(&o));
}
