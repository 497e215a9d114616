//! `crosscheck` (departments.md) at every boundary: a death on the day checked and the day after,
//! a tractor and a car, capital 99,999.99 and 100,000.00, self-paid 9,999.99 and 10,000.00 over
//! two rows, a property inside and outside the county, a legacy 15-digit number, a bad check
//! digit, several rows for one member, a name that differs, a household removed from the
//! registry, and a malformed bundle. SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL.

mod common;

use chrono::NaiveDate;
use common::*;
use std::path::Path;
use xplus_store::records;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 12, 31).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
}

/// The department files of the test, against the small bundle's members.
fn departments(dir: &Path) {
    let wang = id(341181, "1970-03-05", 11);
    let li = id(341181, "1972-08-19", 22);
    let xiao = id(341181, "2009-06-01", 31);
    let zhang = id(342301, "1950-01-15", 41);
    let fang = id(341181, "1980-11-30", 52);
    let yang = id(341181, "2005-02-28", 61);
    // 张建国's number as issued before 1999: 15 digits, lower-case nothing to fix.
    let legacy = format!("{}{}", &zhang[..6], &zhang[8..17]);
    let mut bad = wang.clone();
    bad.replace_range(17.., if wang.ends_with('0') { "1" } else { "0" });
    write(dir, "deaths.csv", &format!(
        "id_number,name,died_on\n{wang},王大明,2016-12-31\n{yang},刘洋,2017-01-01\n{legacy},张建国,2016-05-01\n"));
    write(dir, "payroll.csv", &format!(
        "身份证号,姓名,单位,起始日期\n{wang},王大民,县水利局,2016-01-01\n{bad},王大明,县水利局,2016-01-01\n"));
    write(dir, "vehicles.csv", &format!(
        "id_number,name,plate,kind,registered_on\n{li},李秀英,皖M12345,tractor,2015-03-01\n{fang},刘芳,皖M23456,car,2016-03-01\n{fang},刘芳,皖M34567,truck,2016-04-01\n"));
    write(dir, "businesses.csv", &format!(
        "id_number,name,company,role,capital,registered_on\n{li},李秀英,甲公司,shareholder,99999.99,2016-01-01\n{fang},刘芳,乙公司,legal_rep,100000.00,2016-01-01\n"));
    write(dir, "properties.csv", &format!(
        "id_number,name,location_code,kind,area,registered_on\n{xiao},王小明,341181100202,residential,80.5,2016-01-01\n{zhang},张建国,341102001001,residential,60,2016-01-01\n{fang},刘芳,341181100201,commercial,30,2016-01-01\n"));
    write(dir, "medical.csv", &format!(
        "id_number,name,year,total_cost,self_paid\n{li},李秀英,2016,20000,5000.00\n{li},李秀英,2016,20000,4999.99\n{xiao},王小明,2016,30000,6000\n{xiao},王小明,2016,9000,4000\n{yang},刘洋,2015,90000,20000\n"));
    write(dir, "assistance.csv", &format!(
        "id_number,name,program,start_date,end_date,amount\n{zhang},张建国,dibao,2015-01-01,,3000\n{fang},刘芳,disability,2015-01-01,,\n"));
}

#[tokio::test]
async fn each_rule_at_its_boundary() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let dir = db.dir().join("departments");
    departments(&dir);
    let check = records::crosscheck(db.store.as_ref(), &admin(), &dir, as_of(), today())
        .await
        .unwrap();
    assert!(check.malformed.is_empty(), "{:?}", check.malformed);
    let got: Vec<(String, &str, String, u32)> = check
        .findings
        .iter()
        .map(|f| {
            (
                f.household_id.clone(),
                f.finding.code(),
                f.file.clone(),
                f.row,
            )
        })
        .collect();
    let want = [
        ("H001", "deceased", "deaths.csv", 2),
        ("H001", "public_payroll", "payroll.csv", 2),
        ("H001", "medical_burden", "medical.csv", 4),
        ("H002", "assistance", "assistance.csv", 2),
        ("H002", "deceased", "deaths.csv", 4),
        ("H002", "property", "properties.csv", 3),
        ("H003", "business", "businesses.csv", 3),
        ("H003", "property", "properties.csv", 4),
        ("H003", "vehicle", "vehicles.csv", 3),
    ];
    let want: Vec<(String, &str, String, u32)> = want
        .iter()
        .map(|(h, f, file, row)| (h.to_string(), *f, file.to_string(), *row))
        .collect();
    assert_eq!(got, want);
    // The member's number as stored, also for a legacy 15-digit number in the list.
    let zhang = id(342301, "1950-01-15", 41);
    assert!(check
        .findings
        .iter()
        .any(|f| f.id_number == zhang && f.finding.code() == "deceased"));
    // A differing name is noted; a self-paid sum is told.
    let payroll = check
        .findings
        .iter()
        .find(|f| f.finding.code() == "public_payroll")
        .unwrap();
    assert!(
        payroll.detail.contains("名单姓名 王大民，登记姓名 王大明"),
        "{}",
        payroll.detail
    );
    let medical = check
        .findings
        .iter()
        .find(|f| f.finding.code() == "medical_burden")
        .unwrap();
    assert!(medical.detail.contains("10000.00"), "{}", medical.detail);
    // The bad check digit: a problem row, not a finding, and not a stop.
    assert_eq!(check.problems.len(), 1);
    assert_eq!(
        (check.problems[0].file.as_str(), check.problems[0].row),
        ("payroll.csv", 3)
    );
    assert_eq!(check.members_checked, 6);

    // 刘洋 left H003 and joined H001 on the same day after the day checked (H003's change
    // numbered after H001's, so undone first): on that day he was H003's.
    let yang = id(341181, "2005-02-28", 61);
    let insert = |household: &str, seq: u32, change: &str| {
        format!(
            "INSERT INTO member_changes (household_id, seq, change, changed_on, reason, \
             id_number, name, relation, health, labour, schooling, recorded_by, recorded_on, \
             county_code) VALUES ('{household}', {seq}, '{change}', '2017-03-01', 'moved', \
             '{yang}', '刘洋', 'child', 'healthy', 'none', 'junior', 'test', '2017-03-01', \
             341181000000)"
        )
    };
    let statements = [
        insert("H003", 9, "left"),
        insert("H001", 1, "joined"),
        format!("UPDATE members SET household_id = 'H001' WHERE id_number = '{yang}'"),
    ];
    tamper(
        &db,
        &statements.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    write(
        &dir,
        "payroll.csv",
        &format!("id_number,name,employer,since\n{yang},刘洋,县医院,2016-06-01\n"),
    );
    let moved = records::crosscheck(db.store.as_ref(), &admin(), &dir, as_of(), today())
        .await
        .unwrap();
    let payroll: Vec<&str> = (moved.findings.iter())
        .filter(|f| f.finding.code() == "public_payroll")
        .map(|f| f.household_id.as_str())
        .collect();
    assert_eq!(payroll, ["H003"]);
    assert_eq!(moved.members_checked, 6);

    // A household removed from the registry (清退) is not checked.
    tamper(
        &db,
        &["UPDATE households SET status = 'removed' WHERE household_id = 'H002'"],
    )
    .await;
    let again = records::crosscheck(db.store.as_ref(), &admin(), &dir, as_of(), today())
        .await
        .unwrap();
    assert!(again.findings.iter().all(|f| f.household_id != "H002"));
    db.cleanup().await;
}

#[tokio::test]
async fn a_malformed_bundle_is_refused_whole() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let wang = id(341181, "1970-03-05", 11);
    let dir = db.dir().join("bad");
    write(
        &dir,
        "deaths.csv",
        &format!("id_number,name,died_on\n{wang},王大明,2016-13-01\n"),
    );
    // A second file with an error of its own: every error of the run is listed at once.
    write(&dir, "payroll.csv", "id_number,name,employer,since,bonus\n");
    let check = records::crosscheck(db.store.as_ref(), &admin(), &dir, as_of(), today())
        .await
        .unwrap();
    assert_eq!(check.malformed.len(), 2, "{:?}", check.malformed);
    let at = |m: &records::Malformed| (m.row, m.column.clone());
    assert!(check
        .malformed
        .iter()
        .any(|m| at(m) == (2, "died_on".into())));
    assert!(check.malformed.iter().any(|m| m.column == "bonus"));
    assert!(check.findings.is_empty());

    let other = db.dir().join("unknown");
    write(&other, "cars.csv", "id_number,name\n");
    let check = records::crosscheck(db.store.as_ref(), &admin(), &other, as_of(), today())
        .await
        .unwrap();
    assert!(check.malformed[0].reason.contains("未知的部门数据文件"));
    db.cleanup().await;
}

fn admin() -> xplus_core::accounts::Access {
    xplus_core::accounts::Access::of_account("admin", xplus_core::accounts::Role::Admin, None, None)
}
