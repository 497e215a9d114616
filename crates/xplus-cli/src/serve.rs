//! `xplus serve`: starting the web application (with demo data and a one-time administrator
//! password on an empty database).

use crate::commands::{cli_actor, demo, open, Failure};
use crate::output::Output;
use crate::ScaleArg;
use std::process::ExitCode;
use std::sync::Arc;
use xplus_store::Store;

pub async fn serve(
    db: &str,
    read_db: Option<&str>,
    out: &Output,
    addr: &str,
    demo_scale: Option<ScaleArg>,
) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    if let Some(scale) = demo_scale {
        if store.is_empty().await? {
            drop(store);
            demo(scale, 2016, None, db, out).await?;
            let store = open(db).await?;
            first_admin(store.as_ref(), out).await?;
        } else {
            out.say(
                "数据库已有数据，未再载入演示数据。",
                "the database already holds data; no demo data loaded.",
            );
        }
    }
    let mut store: Arc<dyn Store> = Arc::from(open(db).await?);
    if let Some(url) = read_db {
        // A mistyped SQLite path would otherwise be created empty, and every page would fail.
        let file = url
            .strip_prefix("sqlite://")
            .map(|f| f.split('?').next().unwrap_or(f));
        if file.is_some_and(|f| !std::path::Path::new(f).exists()) {
            return Err(Failure {
                code: 2,
                parts: vec!["读库文件不存在 / the read database does not exist".into()],
            });
        }
        // A replica is read as it is: its primary's migrations reach it by replication.
        let replica: Arc<dyn Store> = Arc::from(xplus_store::open(url).await?);
        store = Arc::new(xplus_store::Routed::new(store, replica)?);
        // The URL is not shown: it may hold a password.
        out.say(
            "只读请求从读库读取，写入仍到主库",
            "read-only requests read from the read database; writes go to the primary",
        );
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure {
            code: 1,
            parts: vec![
                format!("无法监听 {addr} / cannot listen on {addr}"),
                e.to_string(),
            ],
        })?;
    let bound = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| addr.to_string());
    out.say(
        &format!("xplus 已启动：http://{bound}/ （Ctrl+C 停止）"),
        &format!("xplus is running: http://{bound}/ (Ctrl+C stops it)"),
    );
    xplus_web::serve(listener, store).await?;
    Ok(ExitCode::SUCCESS)
}

/// The demo's administrator, `admin`, with a password shown once.
async fn first_admin(store: &dyn Store, out: &Output) -> Result<(), Failure> {
    if store.find_account("admin").await?.is_some() {
        return Ok(());
    }
    let password = xplus_store::accounts::generate_password();
    let user = xplus_store::accounts::NewUser {
        name: "admin".into(),
        role: xplus_core::accounts::Role::Admin,
        region: None,
        cadre: None,
        password_hash: xplus_store::accounts::hash_password(&password)?,
        // The demo's operator is the one who reads it and signs in: nobody to hand it on to.
        must_change_password: false,
    };
    xplus_store::users::add_user(store, user, &cli_actor()).await?;
    out.say(
        &format!("管理员账号 admin 的初始密码（只显示这一次）：{password}"),
        &format!(
            "administrator account admin, initial password (shown only this once): {password}"
        ),
    );
    Ok(())
}
