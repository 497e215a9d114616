//! The database of the 远教 and 骨干 module tests (modules.rs, entries.rs): the small bundle with
//! more poor households, a helper at capacity and village secretaries.

use super::planted::append;
use super::{id, import, small_bundle, write_bundle, TestDb};
use chrono::NaiveDate;
use xplus_core::accounts::{Access, Role};

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The small bundle, plus four poor households in 甲村: C3 helps H101–H103 (so five households
/// at once with H001 and H003 until H001's pairing ends); H104 has no helper.
pub async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let mut b = small_bundle();
    for n in 1..=4 {
        let hid = format!("H10{n}");
        append(
            &mut b,
            "households",
            &format!("{hid},341181100201,2015,poor,,illness,1,1,1,1"),
        );
        let person = id(341181, "1960-01-01", 101 + 2 * n as u16);
        append(
            &mut b,
            "members",
            &format!("{hid},{person},某甲{n},head,healthy,ordinary,none,1,1,0"),
        );
        if n < 4 {
            append(
                &mut b,
                "cadre_household_pairings",
                &format!("C3,{hid},2016-08-01,"),
            );
        }
    }
    b.insert(
        "secretaries",
        "secretary_id,village_code,name,start_date,end_date,tier,tier_year,phone\n\
         S1,341181100201,甲书记,2010-01-01,2016-03-31,,,\n\
         S2,341181100201,乙书记,2016-04-05,,county,2016,\n\
         S3,341181100202,丙书记,2012-01-01,2016-10-31,provincial,2015,\n"
            .to_string(),
    );
    b.insert(
        "secretary_checks",
        "secretary_id,year,result,note\nS1,2015,adjusted,\nS2,2016,kept,\nS3,2016,kept,\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

pub fn admin() -> Access {
    Access::of_account("admin", Role::Admin, None, None)
}
