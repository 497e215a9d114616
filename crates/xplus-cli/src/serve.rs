//! `xplus serve` and `xplus user token`: starting the web application (with demo data and a
//! one-time administrator password on an empty database), and API tokens for other systems.

use crate::commands::{cli_actor, demo, open, Failure};
use crate::output::Output;
use crate::ScaleArg;
use std::process::ExitCode;
use std::sync::Arc;
use xplus_store::Store;

pub async fn serve(
    db: &str,
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
    let store: Arc<dyn Store> = Arc::from(open(db).await?);
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
    };
    store.add_user(user, &cli_actor()).await?;
    out.say(
        &format!("管理员账号 admin 的初始密码（只显示这一次）：{password}"),
        &format!(
            "administrator account admin, initial password (shown only this once): {password}"
        ),
    );
    Ok(())
}

pub async fn add_token(
    store: &dyn Store,
    out: &Output,
    name: &str,
    label: &str,
) -> Result<ExitCode, Failure> {
    let token = xplus_store::accounts::random_secret(32);
    store
        .add_api_token(
            name,
            &xplus_store::sessions::secret_hash(&token),
            label,
            &cli_actor(),
        )
        .await
        .map_err(|e| match e {
            xplus_store::StoreError::Invalid(m) => crate::commands::bad_input(vec![m]),
            e => e.into(),
        })?;
    out.say(
        &format!("账号 {name} 的接口令牌（只显示这一次，请求时放在 Authorization: Bearer 之后）：{token}"),
        &format!("API token for {name} (shown only this once; send it as Authorization: Bearer …): {token}"),
    );
    Ok(ExitCode::SUCCESS)
}
