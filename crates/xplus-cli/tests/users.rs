//! `xplus user …` after an account is made: disable and enable, reset a password, tokens that
//! expire and are revoked — with exit code 2 for bad input (an unknown user, a label that names
//! no token, days out of range) and an audit entry for every change.

mod common;

use common::{sqlite, text, xplus, xplus_with_input};

/// Runs `work` against the database the commands wrote, as the web application reads it.
fn with_store<T>(db: &str, work: impl AsyncFnOnce(&dyn xplus_store::Store) -> T) -> T {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = xplus_store::open(db).await.unwrap();
        work(store.as_ref()).await
    })
}

fn token_works(db: &str, token: &str) -> bool {
    let hash = xplus_store::sessions::secret_hash(token);
    with_store(db, async |s| {
        let now = chrono::Utc::now().timestamp();
        s.token_account(&hash, now).await.unwrap().is_some()
    })
}

/// The token a `user token` command printed last on its line.
fn printed_token(o: &std::process::Output) -> String {
    let token = text(o).rsplit('：').next().unwrap().trim().to_string();
    assert_eq!(token.len(), 64, "{}", text(o));
    token
}

#[test]
fn accounts_are_disabled_reset_and_their_tokens_expire_and_are_revoked() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite(tmp.path(), "u.db");
    let o = xplus_with_input(
        &db,
        &["user", "add", "审计组", "--role", "auditor"],
        "a-long-password\n",
    );
    assert!(o.status.success(), "{}", text(&o));

    // Bad input exits 2 and changes nothing.
    for (args, input, says) in [
        (vec!["user", "disable", "nobody"], "", "用户 nobody 不存在"),
        (vec!["user", "enable", "nobody"], "", "用户 nobody 不存在"),
        (vec!["user", "password", "nobody"], "", "用户 nobody 不存在"),
        (vec!["user", "token", "nobody"], "", "用户 nobody 不存在"),
        (vec!["user", "revoke", "nobody"], "", "用户 nobody 不存在"),
        (
            vec!["user", "token", "审计组", "--expires", "0"],
            "",
            "1–3650",
        ),
        (
            vec!["user", "token", "审计组", "--expires", "3651"],
            "",
            "1–3650",
        ),
        (
            vec!["user", "password", "审计组"],
            "short\n",
            "至少需要10个字符",
        ),
        (
            vec!["user", "revoke", "审计组", "--token", "没有"],
            "",
            "没有标签为“没有”的有效令牌",
        ),
    ] {
        let o = xplus_with_input(&db, &args, input);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
    }

    let o = xplus(
        &db,
        &[
            "user",
            "token",
            "审计组",
            "--label",
            "县系统",
            "--expires",
            "30",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("到期"), "{}", text(&o));
    let county = printed_token(&o);
    let backup = printed_token(&xplus(&db, &["user", "token", "审计组", "--label", "备份"]));
    assert!(token_works(&db, &county) && token_works(&db, &backup));
    let o = xplus(&db, &["user", "list"]);
    assert!(
        text(&o).contains("审计组\t审计员\t-\t正常\t有效令牌 2"),
        "{}",
        text(&o)
    );

    // Disabling stops the tokens at once; enabling lets them work again.
    let o = xplus(&db, &["user", "disable", "审计组"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!token_works(&db, &county));
    assert!(text(&xplus(&db, &["user", "list"])).contains("已停用"));
    let o = xplus(&db, &["user", "disable", "审计组"]);
    assert!(text(&o).contains("已是停用状态"), "{}", text(&o));
    assert!(xplus(&db, &["user", "enable", "审计组"]).status.success());
    assert!(token_works(&db, &county));

    // A reset password is shown once and must be changed at the next sign-in.
    let o = xplus(&db, &["user", "password", "审计组"]);
    assert!(o.status.success(), "{}", text(&o));
    let password = text(&o).rsplit('：').next().unwrap().trim().to_string();
    assert_eq!(password.len(), 16, "{}", text(&o));
    let account = with_store(&db, async |s| {
        s.find_account("审计组").await.unwrap().unwrap()
    });
    assert!(account.must_change_password);
    assert!(xplus_store::accounts::verify_password(
        &password,
        &account.password_hash
    ));
    assert!(text(&xplus(&db, &["user", "list"])).contains("待改密码"));

    // Revoking by label, then all.
    let o = xplus(&db, &["user", "revoke", "审计组", "--token", "县系统"]);
    assert!(
        text(&o).contains("已吊销账号 审计组 的 1 个接口令牌"),
        "{}",
        text(&o)
    );
    assert!(!token_works(&db, &county) && token_works(&db, &backup));
    let o = xplus(&db, &["--lang", "en", "user", "revoke", "审计组"]);
    assert!(
        text(&o).contains("1 API token(s) of 审计组 revoked"),
        "{}",
        text(&o)
    );
    assert!(!token_works(&db, &backup));

    // The account, two tokens, disable, enable, reset, two revocations: eight entries.
    let o = xplus(&db, &["audit", "verify"]);
    assert!(text(&o).contains("审计日志完整：8 条记录"), "{}", text(&o));
}
