//! The case report's headline figures in the yearly report (issue 23; SQLite, and PostgreSQL with
//! XPLUS_TEST_DATABASE_URL): each counted from its register as of the end of the year, within
//! the reach of the account asking.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::case_figures::CaseFigure::*;
use xplus_core::registry::RegionCode;
use xplus_store::records;

/// The small bundle with a row or two in every register the figures read, some of them dated
/// after 2016 (and so not counted for it).
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = small_bundle();
    b.get_mut("regions")
        .unwrap()
        .push_str("341182000000,明光市,county,341100000000\n");
    let h001 = [id(341181, "1970-03-05", 11), id(341181, "1972-08-19", 22)];
    b.insert(
        "stations",
        "station_id,village_code,kind,name,upgraded_year,investment\n\
         S1,341181100201,station,甲村远教站点,2016,1000\n\
         S2,341181100202,station,乙村远教站点,2017,500\n\
         S3,341181100202,learning_household,乙村中心学习户,,\n"
            .to_string(),
    );
    b.insert(
        "cadres",
        "cadre_id,name,unit_id,role,phone\n\
         C1,赵军,U1,helper,13800000001\n\
         C2,孙丽,U1,first_secretary,13800000002\n\
         C3,周强,U2,helper,\n\
         C4,吴敏,U1,work_team,\n\
         C5,郑洁,U2,graduate_official,\n\
         C6,王涛,U1,first_secretary,\n"
            .to_string(),
    );
    b.insert(
        "unit_village_pairings",
        "unit_id,village_code,start_date,end_date,joint_party_org,joint_party_org_date\n\
         U1,341181100201,2015-01-01,,1,2016-03-01\n\
         U2,341181100201,2015-06-01,,1,2017-02-01\n"
            .to_string(),
    );
    // The selected cadres are counted by their postings: C4's second posting is of 2017, and
    // each cadre counts once; the recalled C2 counts.
    b.insert(
        "postings",
        "cadre_id,village_code,start_date,end_date\n\
         C2,341181100201,2015-01-10,\n\
         C4,341181100201,2015-01-10,\n\
         C6,341181100201,2016-05-01,\n\
         C4,341181100202,2017-03-01,\n"
            .to_string(),
    );
    b.insert(
        "recalls",
        "cadre_id,decision_date,reason,replacement_id\nC2,2016-05-01,驻村时间不足,C6\n".to_string(),
    );
    b.insert(
        "startups",
        "startup_id,cadre_id,village_code,name,base,funding,households_brought,start_date\n\
         ST1,C5,341181100201,电商服务站,甲村创业园,250000,7,2016-01-15\n\
         ST2,C5,341181100201,苗木基地,甲村创业园,100000,3,2016-05-01\n\
         ST3,C5,341181100202,养殖场,乙村创业园,90000,2,2017-03-01\n"
            .to_string(),
    );
    // The households brought along are counted from the links, each once (not from the
    // declared households_brought): H001 joined two start-ups of 2016; ST3's link is of 2017.
    b.insert(
        "startup_households",
        "startup_id,household_id,join_date,end_date,note\n\
         ST1,H001,2016-02-01,,\n\
         ST2,H001,2016-06-01,,\n\
         ST3,H001,2017-04-01,,\n"
            .to_string(),
    );
    b.insert(
        "secretaries",
        "secretary_id,village_code,name,start_date,end_date,tier,tier_year,phone\n\
         SJ1,341181100201,杜鹏,2010-01-01,,,,\n"
            .to_string(),
    );
    b.insert(
        "secretary_development",
        "secretary_id,kind,start_date,end_date,description\n\
         SJ1,degree,2016-09-01,,大专学历教育\n\
         SJ1,exchange,2016-04-01,2016-06-30,赴名村挂职\n\
         SJ1,degree,2017-09-01,,本科学历教育\n"
            .to_string(),
    );
    b.insert(
        "party_orgs",
        "org_id,village_code,name,kind,focus,party_members,established_date\n\
         O1,341181100201,甲村苗木基地党支部,base,,12,2015-05-01\n\
         O2,341181100201,甲村合作社党支部,cooperative,,8,2017-01-05\n\
         O3,341181100202,乙村功能党小组,functional_group,industry,5,2016-01-01\n"
            .to_string(),
    );
    b.insert(
        "household_industries",
        "household_id,year,kind,product,scale,unit\n\
         H001,2016,crop,苗木,3,亩\n\
         H001,2016,livestock,山羊,10,只\n\
         H003,2016,other,手工,1,项\n\
         H003,2015,crop,水稻,2,亩\n"
            .to_string(),
    );
    b.insert(
        "commissioners",
        "commissioner_id,name,region_code,field\nK1,孙丽敏,341181000000,葡萄\nK2,赵彩霞,341182000000,水稻\n".to_string(),
    );
    b.insert(
        "commissioner_trainings",
        "training_id,commissioner_id,village_code,date,topic,participants\n\
         KT1,K1,341181100201,2016-09-29,病虫害防治,77\n\
         KT2,K1,341181100202,2015-03-16,田间管理,22\n"
            .to_string(),
    );
    b.insert(
        "labour_courses",
        "course_id,region_code,base,name,start_date,end_date\n\
         LC1,341181000000,天长市职业技能培训中心,电工,2016-03-15,2016-03-29\n\
         LC2,341181000000,天长市家政培训基地,家政,2015-12-20,2016-01-05\n\
         LC3,341181000000,天长市电商培训基地,电商,2017-03-01,2017-03-10\n"
            .to_string(),
    );
    b.insert(
        "course_attendance",
        format!(
            "course_id,household_id,id_number\nLC1,H001,{a}\nLC1,H001,{b}\nLC2,H001,{a}\n",
            a = h001[0],
            b = h001[1]
        ),
    );
    b.insert(
        "placements",
        format!(
            "household_id,id_number,employer,place,start_date,months\n\
             H001,{a},上海物流公司,上海,2016-04-01,6\n\
             H001,{b},本地合作社,天长,2016-01-10,3\n",
            a = h001[0],
            b = h001[1]
        ),
    );
    b.insert(
        "job_fairs",
        "fair_id,region_code,date,posts,employers\n\
         ZP1,341181000000,2016-02-19,2102,91\n\
         ZP2,341181000000,2016-10-09,300,12\n\
         ZP3,341181000000,2015-02-11,1377,103\n"
            .to_string(),
    );
    b
}

#[tokio::test]
async fn the_case_figures_are_counted_from_the_registers_as_of_the_years_end() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let all = Access::of_account("t", Role::Auditor, None, None);
    let r = records::year_report(store, &all, None, 2016, today)
        .await
        .unwrap();
    let c = &r.case;
    assert_eq!(
        c.values.len(),
        xplus_core::case_figures::CaseFigure::ALL.len()
    );
    // S1 only: S2 was upgraded in 2017; S3 is a learning household.
    assert_eq!((c.get(Stations), c.get(StationInvestment)), (1, 100_000));
    assert_eq!(c.get(LearningHouseholds), 1);
    // Two joint organisations in 甲村, one of them of 2017: one village by the end of 2016.
    assert_eq!(c.get(JointPartyOrgs), 1);
    assert_eq!((c.get(SelectedCadres), c.get(Recalls)), (3, 1));
    assert_eq!((c.get(DegreeCadres), c.get(ExchangeSecretaries)), (1, 1));
    // ST3 began in 2017.
    assert_eq!(c.get(StartupFunding), 35_000_000);
    assert_eq!((c.get(StartupBases), c.get(StartupHouseholds)), (1, 1));
    assert_eq!((c.get(Loans), c.get(LoanAmount)), (1, 4_000_000));
    // O1 only: O2 was established in 2017, O3 is a functional group.
    assert_eq!(c.get(ChainOrgs), 1);
    // H001's crop and livestock of 2016; H003's 2016 row is neither, its crop is of 2015.
    assert_eq!(c.get(SpecialtyHouseholds), 1);
    // H001 (3 persons) is the one household poor at the start of 2016, and it took part.
    assert_eq!(c.get(IndustryPersons), 3);
    assert_eq!(
        (c.get(Commissioners), c.get(CommissionerParticipants)),
        (2, 77)
    );
    // LC3 began in 2017; LC1 and LC2 (which ran into 2016) have three attendances.
    assert_eq!((c.get(LabourBases), c.get(CourseAttendance)), (2, 3));
    // The first member's job began after both their courses began (counted once); the second
    // member's began before their one course, so it was not that course's doing.
    assert_eq!(c.get(TrainedPlaced), 1);
    assert_eq!((c.get(JobFairs), c.get(JobPosts)), (2, 2402));
    assert_eq!(c.get(PlacedPersons) as u64, r.industry.placed_persons);
    assert_eq!(c.get(VillagesExited) as u64, r.villages.exited_in_year);
    assert_eq!(c.get(PersonsExited) as u64, r.persons.exited_in_year);
    assert_eq!(c.get(OvopProjects) as u64, r.industry.projects);

    // A county official of another county reaches none of it.
    let elsewhere = RegionCode::parse("341182000000").unwrap();
    let other = Access::of_account("t", Role::Official, Some(elsewhere), None);
    let r = records::year_report(store, &other, Some(elsewhere), 2016, today)
        .await
        .unwrap();
    let nothing: Vec<_> = r
        .case
        .values
        .iter()
        .filter(|(f, v)| *v != 0 && *f != Commissioners)
        .collect();
    assert!(nothing.is_empty(), "{nothing:?}");
    // K2 is that county's own commissioner.
    assert_eq!(r.case.get(Commissioners), 1);
    db.cleanup().await;
}
