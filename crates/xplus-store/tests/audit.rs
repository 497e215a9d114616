//! The audit log: imports and other writes append chained entries; `verify_audit` names the
//! first entry altered or removed behind the application's back (on SQLite and PostgreSQL).

mod common;

use common::*;
use std::collections::BTreeMap;
use xplus_core::audit::ChainBreak;
use xplus_store::Refusal;
use xplus_store::{verify_audit, NewAudit};

/// The number of entries when the chain holds, or where it breaks.
async fn chain_length(db: &TestDb) -> Result<i64, ChainBreak> {
    verify_audit(db.store.as_ref())
        .await
        .unwrap()
        .map(|s| s.entries)
}

/// Every entry of the log, in order.
async fn entries(db: &TestDb) -> Vec<xplus_core::audit::AuditEntry> {
    let mut out = Vec::new();
    db.store
        .read_audit(&mut |e| {
            out.push(e);
            Ok(())
        })
        .await
        .unwrap();
    out
}

fn entry(n: u32) -> NewAudit {
    NewAudit {
        actor: "官员甲".into(),
        action: "update".into(),
        entity: "households".into(),
        record_key: format!("H00{n}"),
        old_values: Some(r#"{"housing_safe":false}"#.into()),
        new_values: Some(r#"{"housing_safe":true}"#.into()),
    }
}

#[tokio::test]
async fn imports_and_writes_are_chained_and_verified() {
    let db = TestDb::fresh().await;
    assert_eq!(chain_length(&db).await, Ok(0));
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    db.store
        .append_audit(vec![entry(1), entry(2), entry(3)])
        .await
        .unwrap();
    assert_eq!(chain_length(&db).await, Ok(4));

    let entries = entries(&db).await;
    assert_eq!(entries[0].action, "import");
    assert_eq!(entries[0].actor, "test");
    assert!(entries[0]
        .new_values
        .as_deref()
        .unwrap()
        .contains(r#""households.csv":3"#));
    assert_eq!(entries[3].record_key, "H003");

    // A rejected import leaves no entry.
    let mut bad = small_bundle();
    bad.insert("units", "unit_id,name,kind\nU1,x,nonsense\n".to_string());
    let bad = write_bundle(&db.dir().join("bad"), &bad);
    assert!(!import(&db, &bad).await.committed);
    assert_eq!(chain_length(&db).await, Ok(4));
    db.cleanup().await;
}

#[tokio::test]
async fn the_application_cannot_change_an_entry() {
    let db = TestDb::fresh().await;
    db.store.append_audit(vec![entry(1)]).await.unwrap();
    let refused = if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'x'")
            .execute(&pool)
            .await
            .is_err()
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query("DELETE FROM audit_log")
            .execute(&pool)
            .await
            .is_err()
    };
    assert!(refused);
    db.cleanup().await;
}

#[tokio::test]
async fn a_direct_edit_or_removal_is_named() {
    for (statements, expected) in [
        (
            &[
                "DROP TRIGGER audit_log_no_update",
                "UPDATE audit_log SET new_values = '{\"housing_safe\":false}' WHERE seq = 3",
            ][..],
            ChainBreak::Altered { seq: 3 },
        ),
        (
            &[
                "DROP TRIGGER audit_log_no_delete",
                "DELETE FROM audit_log WHERE seq = 2",
            ][..],
            ChainBreak::Removed { expected: 2 },
        ),
        (
            &[
                "DROP TRIGGER audit_log_no_delete",
                "DELETE FROM audit_log WHERE seq >= 4",
            ][..],
            ChainBreak::Truncated { last: 3, head: 5 },
        ),
    ] {
        let db = TestDb::fresh().await;
        db.store
            .append_audit((1..=5).map(entry).collect())
            .await
            .unwrap();
        assert_eq!(chain_length(&db).await, Ok(5));
        tamper(&db, statements).await;
        assert_eq!(chain_length(&db).await, Err(expected));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn accounts_are_checked_stored_hashed_and_audited() {
    use xplus_core::accounts::Role;
    use xplus_core::registry::RegionCode;
    use xplus_store::accounts::{hash_password, NewUser};
    use xplus_store::StoreError;
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let user = |name: &str, role, region: Option<&str>, cadre: Option<&str>| NewUser {
        name: name.into(),
        role,
        region: region.map(|r| RegionCode::parse(r).unwrap()),
        cadre: cadre.map(str::to_string),
        password_hash: hash_password("a-long-password").unwrap(),
        must_change_password: false,
    };
    xplus_store::users::add_user(
        db.store.as_ref(),
        user("镇干部", Role::Official, Some("341181100000"), None),
        "test",
    )
    .await
    .unwrap();
    xplus_store::users::add_user(
        db.store.as_ref(),
        user("赵军", Role::Helper, None, Some("C1")),
        "test",
    )
    .await
    .unwrap();
    for (bad, expected) in [
        (user("镇干部", Role::Auditor, None, None), "已存在"),
        (
            user("a", Role::Official, Some("341182100000"), None),
            "不存在",
        ),
        (user("b", Role::Helper, None, Some("C9")), "不存在"),
    ] {
        match xplus_store::users::add_user(db.store.as_ref(), bad, "test").await {
            Err(StoreError::Refused(Refusal::Invalid(m))) => assert!(m.contains(expected), "{m}"),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }
    // The import and two accounts; no password or hash in the log.
    assert_eq!(chain_length(&db).await, Ok(3));
    let logged = format!("{:?}", entries(&db).await);
    assert!(
        logged.contains("镇干部")
            && !logged.contains("argon2")
            && !logged.contains("a-long-password")
    );
    db.cleanup().await;
}

#[tokio::test]
async fn a_row_an_import_changes_is_audited_with_its_old_and_new_values() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    // The same bundle again changes nothing: one more import entry, no updates.
    assert!(import(&db, &dir).await.committed);
    assert_eq!(chain_length(&db).await, Ok(2));

    let mut b = small_bundle();
    let households = b["households"].replace(
        "H002,341181100201,2014,exited,2015,disability,1,1,1,0",
        "H002,341181100201,2014,exited,2015,disability,1,1,1,1",
    );
    b.insert("households", households);
    let dir = write_bundle(&db.dir().join("changed"), &b);
    assert!(import(&db, &dir).await.committed);
    let entries = entries(&db).await;
    assert_eq!(entries.len(), 4, "{entries:#?}");
    let update = &entries[2];
    assert_eq!(
        (
            update.action.as_str(),
            update.entity.as_str(),
            update.record_key.as_str()
        ),
        ("update", "households", "H002")
    );
    assert_eq!(update.old_values.as_deref(), Some(r#"{"water_safe":"0"}"#));
    assert_eq!(update.new_values.as_deref(), Some(r#"{"water_safe":"1"}"#));
    assert_eq!(update.actor, "test");
    assert_eq!(entries[3].action, "import");
    assert_eq!(chain_length(&db).await, Ok(4));
    db.cleanup().await;
}

#[tokio::test]
async fn rows_an_import_adds_to_filled_tables_are_audited_as_inserts() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let mut b = BTreeMap::new();
    b.insert("households", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH009,341181100202,2016,poor,,因病、因残,1,1,1,1\n".to_string());
    b.insert("members", format!("household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months\nH009,{},孙九,head,serious,weak,none,1,1,0\n", id(341181, "1958-04-09", 91)));
    let dir = write_bundle(&db.dir().join("more"), &b);
    assert!(import(&db, &dir).await.committed);
    // The same causes in another order are not a change.
    b.insert(
        "households",
        b["households"].replace("因病、因残", "disability;illness"),
    );
    let dir = write_bundle(&db.dir().join("again"), &b);
    assert!(import(&db, &dir).await.committed);
    let entries = entries(&db).await;
    let actions: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.entity.as_str(), e.record_key.as_str()))
        .collect();
    let member = id(341181, "1958-04-09", 91);
    assert_eq!(
        actions,
        vec![
            ("import", "bundle", dir_name(&db, "in").as_str()),
            ("insert", "households", "H009"),
            ("insert", "members", member.as_str()),
            ("import", "bundle", dir_name(&db, "more").as_str()),
            ("import", "bundle", dir_name(&db, "again").as_str()),
        ]
    );
    assert!(entries[1].old_values.is_none());
    assert!(entries[1]
        .new_values
        .as_deref()
        .unwrap()
        .contains(r#""causes":"illness;disability""#));
    db.cleanup().await;
}

fn dir_name(db: &TestDb, name: &str) -> String {
    db.dir().join(name).display().to_string()
}
