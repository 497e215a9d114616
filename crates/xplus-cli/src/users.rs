//! `xplus user …`: adding, listing, disabling and enabling accounts, resetting a password, making
//! and revoking API tokens. An unknown user, a bad role or scope, a label that names no token are
//! bad input (exit 2). Passwords and tokens are shown once and stored only as hashes.

use crate::commands::{bad_input, cli_actor, open, Failure};
use crate::output::Output;
use crate::UserCommand;
use std::process::ExitCode;
use xplus_core::accounts::{self, AccountRequest};
use xplus_store::users::{self, NewToken, PasswordChange, Revoke};
use xplus_store::Refusal;
use xplus_store::StoreError;

pub async fn run(command: UserCommand, db: &str, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        UserCommand::Add {
            name,
            role,
            region,
            cadre,
        } => add(db, out, &name, &role, region.as_deref(), cadre.as_deref()).await,
        UserCommand::List => list(db, out).await,
        UserCommand::Disable { name } => set_disabled(db, out, &name, true).await,
        UserCommand::Enable { name } => set_disabled(db, out, &name, false).await,
        UserCommand::Password { name } => reset(db, out, &name).await,
        UserCommand::Token {
            name,
            label,
            expires,
        } => token(db, out, &name, &label, expires).await,
        UserCommand::Revoke { name, token } => revoke(db, out, &name, token).await,
    }
}

/// The storage's `Invalid` (an unknown user, a name taken …) is the user's bad input.
fn invalid_is_bad_input(e: StoreError) -> Failure {
    match e {
        StoreError::Refused(Refusal::Invalid(message)) => bad_input(vec![message]),
        other => other.into(),
    }
}

/// The password piped in (checked), or a generated one; whether it was generated.
fn password() -> Result<(String, bool), Failure> {
    match read_password_from_stdin()? {
        Some(p) => {
            accounts::check_password(&p).map_err(|e| bad_input(vec![e.to_string()]))?;
            Ok((p, false))
        }
        None => Ok((xplus_store::accounts::generate_password(), true)),
    }
}

/// `xplus user add`: checks the role and scope, takes the password from standard input (or
/// makes one, shown once, that the user must change at the first sign-in), stores only its
/// argon2id hash.
async fn add(
    db: &str,
    out: &Output,
    name: &str,
    role: &str,
    region: Option<&str>,
    cadre: Option<&str>,
) -> Result<ExitCode, Failure> {
    let request = AccountRequest::parse(name, role, region, cadre)
        .map_err(|e| bad_input(vec![e.to_string()]))?;
    let (password, generated) = password()?;
    let user = xplus_store::accounts::NewUser {
        name: request.name.clone(),
        role: request.role,
        region: request.region,
        cadre: request.cadre,
        password_hash: xplus_store::accounts::hash_password(&password)?,
        // A generated password passes through the operator's hands: the user replaces it. One
        // piped in is the user's own (or a script's, which cannot answer a page).
        must_change_password: generated,
    };
    let store = open(db).await?;
    xplus_store::users::add_user(store.as_ref(), user, &cli_actor())
        .await
        .map_err(invalid_is_bad_input)?;
    let name = &request.name;
    out.say(
        &format!("已新建账号 {name}（{}）。", request.role.label_zh()),
        &format!("account {name} ({}) added.", request.role.code()),
    );
    if generated {
        out.say(
            "本人首次登录后须修改此密码。",
            "the user must change it at the first sign-in.",
        );
        out.say(
            &format!("初始密码（只显示这一次）：{password}"),
            &format!("initial password (shown only this once): {password}"),
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn list(db: &str, out: &Output) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    for u in users::list_users(store.as_ref()).await? {
        let scope = u
            .region
            .map(|r| r.to_string())
            .or(u.cadre.clone())
            .unwrap_or_else(|| "-".into());
        let (zh, en) = if u.disabled {
            ("已停用", "disabled")
        } else if u.must_change_password {
            ("待改密码", "must change password")
        } else {
            ("正常", "active")
        };
        out.say(
            &format!(
                "{}\t{}\t{scope}\t{zh}\t有效令牌 {}",
                u.name,
                u.role.label_zh(),
                u.live_tokens
            ),
            &format!(
                "{}\t{}\t{scope}\t{en}\tlive tokens {}",
                u.name,
                u.role.code(),
                u.live_tokens
            ),
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn set_disabled(
    db: &str,
    out: &Output,
    name: &str,
    disabled: bool,
) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    let changed = users::set_disabled(store.as_ref(), name, disabled, &cli_actor())
        .await
        .map_err(invalid_is_bad_input)?;
    match (disabled, changed) {
        (true, true) => out.say(
            &format!("已停用账号 {name}；其登录和接口令牌立即失效（已打开的网页最迟10秒内失效）。"),
            &format!("account {name} disabled; its sessions and API tokens stop at once (pages already open within 10 seconds)."),
        ),
        (true, false) => out.say(
            &format!("账号 {name} 已是停用状态。"),
            &format!("account {name} was disabled already."),
        ),
        (false, true) => out.say(
            &format!("已启用账号 {name}。"),
            &format!("account {name} enabled."),
        ),
        (false, false) => out.say(
            &format!("账号 {name} 本来就是启用的。"),
            &format!("account {name} was enabled already."),
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `xplus user password`: a new password (piped in, or generated and shown once) that the user
/// must change at the next sign-in; the account's sessions end.
async fn reset(db: &str, out: &Output, name: &str) -> Result<ExitCode, Failure> {
    let (password, generated) = password()?;
    let hash = xplus_store::accounts::hash_password(&password)?;
    let store = open(db).await?;
    users::set_password(
        store.as_ref(),
        name,
        &hash,
        PasswordChange::Reset,
        &cli_actor(),
    )
    .await
    .map_err(invalid_is_bad_input)?;
    out.say(
        &format!("已重置账号 {name} 的密码，其登录已全部结束；本人下次登录后须修改密码。"),
        &format!("the password of {name} was reset and its sessions ended; the user must change it at the next sign-in."),
    );
    if generated {
        out.say(
            &format!("新密码（只显示这一次）：{password}"),
            &format!("new password (shown only this once): {password}"),
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn token(
    db: &str,
    out: &Output,
    name: &str,
    label: &str,
    days: u32,
) -> Result<ExitCode, Failure> {
    accounts::check_token_days(days).map_err(|e| bad_input(vec![e.to_string()]))?;
    let token = xplus_store::accounts::random_secret(32);
    let expires_at = chrono::Utc::now().timestamp() + i64::from(days) * 86_400;
    let store = open(db).await?;
    let new = NewToken {
        user: name.to_string(),
        token_hash: xplus_store::sessions::secret_hash(&token),
        label: label.to_string(),
        expires_at,
    };
    users::add_token(store.as_ref(), new, &cli_actor())
        .await
        .map_err(invalid_is_bad_input)?;
    let until = chrono::DateTime::from_timestamp(expires_at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    out.say(
        &format!("账号 {name} 的接口令牌（只显示这一次，请求时放在 Authorization: Bearer 之后；{until} 到期）：{token}"),
        &format!("API token for {name} (shown only this once; send it as Authorization: Bearer …; expires {until}): {token}"),
    );
    Ok(ExitCode::SUCCESS)
}

async fn revoke(
    db: &str,
    out: &Output,
    name: &str,
    label: Option<String>,
) -> Result<ExitCode, Failure> {
    let which = match label {
        Some(l) => Revoke::Label(l),
        None => Revoke::All,
    };
    let store = open(db).await?;
    let revoked = users::revoke_tokens(store.as_ref(), name, &which, &cli_actor())
        .await
        .map_err(invalid_is_bad_input)?;
    let n = revoked.len();
    out.say(
        &format!("已吊销账号 {name} 的 {n} 个接口令牌。"),
        &format!("{n} API token(s) of {name} revoked."),
    );
    Ok(ExitCode::SUCCESS)
}

/// The password piped in on standard input: None on a terminal or with nothing piped in (one
/// is generated then); unreadable input is bad input rather than a silent fallback.
fn read_password_from_stdin() -> Result<Option<String>, Failure> {
    use std::io::{IsTerminal, Read};
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin.read_to_string(&mut text).map_err(|e| {
        bad_input(vec![
            "无法读取标准输入中的密码 / cannot read the password from standard input".into(),
            e.to_string(),
        ])
    })?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(bad_input(vec![
            "密码应在标准输入的第一行 / the password must be on the first line of standard input"
                .into(),
        ]));
    }
    Ok(Some(line.to_string()))
}
