//! Accounts: the five roles and the scope each must have (interchange.md, `xplus user add`).

use crate::registry::{IdNumber, Level, RegionCode};

crate::labelled_enum! {
    pub enum Role {
        Admin = ("admin", "管理员"),
        Official = ("official", "区划干部"),
        Secretary = ("secretary", "村书记"),
        Helper = ("helper", "帮扶干部"),
        Auditor = ("auditor", "审计员"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("“{0}”账号须指定 --region 区划 / a {0} account needs --region")]
    RegionRequired(&'static str),
    #[error("村书记账号的区划须是村 / a secretary's region must be a village")]
    SecretaryNeedsVillage,
    #[error("帮扶干部账号须指定 --cadre 干部编号 / a helper account needs --cadre")]
    CadreRequired,
    #[error("“{0}”账号不带区划或干部 / a {0} account takes no --region or --cadre")]
    NoScope(&'static str),
    #[error("用户名须为1–64个字符，不含空白、控制字符和不可见字符 / a user name has 1–64 characters and no spaces, control or invisible characters")]
    BadName,
    #[error("干部编号“{0}”只能由英文字母、数字和 - _ . 等符号组成 / the cadre id {0} holds only ASCII letters, digits and symbols such as - _ .")]
    BadCadre(String),
    #[error("密码至少需要10个字符 / a password needs at least 10 characters")]
    WeakPassword,
    #[error("未知的角色“{0}”，可选：{roles} / unknown role {0}; one of {roles}", roles = Role::SPEC.describe())]
    UnknownRole(String),
    #[error("区划代码 {0} 无效 / invalid region code {0}")]
    BadRegion(String),
    #[error("新密码须与原密码不同 / the new password must differ from the old one")]
    SamePassword,
    #[error("令牌有效期须为1–3650天 / a token lasts 1 to 3650 days")]
    TokenDays,
}

/// What a signed-in account may reach. Every read and write of registry records goes through
/// one of these, so that "a town sees only its town" is a property of the storage calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every region (administrators, auditors).
    Everywhere,
    /// One region and everything within it (an official's region, a secretary's village).
    Region(RegionCode),
    /// The households currently paired with one cadre (a helper).
    PairedWith(String),
}

/// A signed-in account: who, in which role, over which records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    user: String,
    role: Role,
    scope: Scope,
}

impl Access {
    /// The command line reading for an inspector's report: a region (or everything), identity
    /// numbers masked, nothing written.
    pub fn system_reader(actor: &str, region: Option<RegionCode>) -> Access {
        match region {
            Some(code) => Access::of_account(actor, Role::Official, Some(code), None),
            None => Access::of_account(actor, Role::Auditor, None, None),
        }
    }

    /// The same account narrowed to `region` (a page's filter), or None when the region is
    /// outside its reach: narrowing never widens.
    pub fn narrowed_to(&self, region: RegionCode) -> Option<Access> {
        self.covers_region(region).then(|| Access {
            scope: Scope::Region(region),
            ..self.clone()
        })
    }

    /// Who acts (an account's name, or the command line's user).
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The access of a stored account. An account whose scope does not fit its role (which
    /// `check_scope` prevents) reaches nothing rather than everything.
    pub fn of_account(
        user: &str,
        role: Role,
        region: Option<RegionCode>,
        cadre: Option<&str>,
    ) -> Access {
        let scope = match (role, region, cadre) {
            (Role::Admin | Role::Auditor, _, _) => Scope::Everywhere,
            (Role::Official | Role::Secretary, Some(r), _) => Scope::Region(r),
            (Role::Helper, _, Some(c)) => Scope::PairedWith(c.to_string()),
            _ => Scope::PairedWith(String::new()),
        };
        Access {
            user: user.to_string(),
            role,
            scope,
        }
    }

    /// Auditors read; everyone else may change what they can see.
    pub fn may_write(&self) -> bool {
        self.role != Role::Auditor
    }

    /// New households are registered by region staff, not by a helper.
    pub fn may_create_households(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Official | Role::Secretary)
    }

    /// Pairings of cadres with households (and units with villages) are decided by the office,
    /// not by the helpers themselves (rules.md §7).
    pub fn may_assign_helpers(&self) -> bool {
        self.may_create_households()
    }

    /// A bundle may touch any region, so only an administrator imports one.
    pub fn may_import(&self) -> bool {
        self.role == Role::Admin
    }

    /// Accounts (adding, disabling, passwords, tokens) are an administrator's.
    pub fn may_manage_accounts(&self) -> bool {
        self.role == Role::Admin
    }

    /// A past year's recorded outcomes are corrected by the office that answers for the
    /// figures (county or city officials, administrators), never by a helper or a village.
    pub fn may_correct_past_years(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Official)
    }

    /// Matching other departments' lists against the registry and recording what they find
    /// is a county's or city's work (departments.md), not a village's.
    pub fn may_apply_crosscheck(&self) -> bool {
        match (self.role, &self.scope) {
            (Role::Admin, _) => true,
            (Role::Official, Scope::Region(r)) => {
                matches!(r.level(), Level::Province | Level::City | Level::County)
            }
            _ => false,
        }
    }

    pub fn may_read_audit_log(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Auditor)
    }

    /// Those who work with the household in person see identity numbers whole; officials and
    /// auditors see them masked (they can still search by a whole number).
    pub fn sees_full_id_numbers(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Secretary | Role::Helper)
    }

    /// An identity number as this account is shown it: whole, or masked. The one masking
    /// decision; every page, list, export and API answer asks it.
    pub fn id_number(&self, n: IdNumber) -> String {
        if self.sees_full_id_numbers() {
            n.to_string()
        } else {
            n.masked()
        }
    }

    /// Free text (an audit entry, a message) as this account is shown it: identity numbers in
    /// it masked for those who see them masked elsewhere.
    pub fn id_numbers_in(&self, text: &str) -> String {
        if self.sees_full_id_numbers() {
            text.to_string()
        } else {
            crate::registry::id_number::mask_in_text(text)
        }
    }

    /// Whether this account may keep or put a household in `village`: a helper edits the
    /// households paired with them wherever they are but cannot move one; everyone else works
    /// within their region. `stored` is the household's village today (None when registering).
    pub fn may_place_household(&self, stored: Option<RegionCode>, village: RegionCode) -> bool {
        let helper_keeps_village =
            matches!(self.scope, Scope::PairedWith(_)) && stored == Some(village);
        self.covers_region(village) || helper_keeps_village
    }

    /// Whether a region (and what is below it) is within reach.
    pub fn covers_region(&self, code: RegionCode) -> bool {
        match &self.scope {
            Scope::Everywhere => true,
            Scope::Region(r) => code.is_within(*r),
            Scope::PairedWith(_) => false,
        }
    }
}

/// An account as asked for, before it has a password: its name, role and scope checked together
/// (the command line and the administrators' page take the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRequest {
    pub name: String,
    pub role: Role,
    pub region: Option<RegionCode>,
    pub cadre: Option<String>,
}

impl AccountRequest {
    /// Texts as typed; an empty region or cadre counts as none (a form sends them empty).
    pub fn parse(
        name: &str,
        role: &str,
        region: Option<&str>,
        cadre: Option<&str>,
    ) -> Result<AccountRequest, AccountError> {
        let name = name.trim();
        check_name(name)?;
        let role =
            Role::parse(role).ok_or_else(|| AccountError::UnknownRole(role.trim().to_string()))?;
        let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
            Some(code) => Some(
                RegionCode::parse(code).map_err(|_| AccountError::BadRegion(code.to_string()))?,
            ),
            None => None,
        };
        let cadre = match cadre.map(str::trim).filter(|c| !c.is_empty()) {
            // A cadre id is a key like any other (ASCII, no invisible characters).
            Some(c) => Some(
                crate::text::check(crate::text::TextKind::Key, c)
                    .map_err(|_| AccountError::BadCadre(c.to_string()))?,
            ),
            None => None,
        };
        check_scope(role, region, cadre.as_deref())?;
        Ok(AccountRequest {
            name: name.to_string(),
            role,
            region,
            cadre,
        })
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Checks that an account's role and scope fit together: an official reads and writes within a
/// region, a secretary within a village, a helper the households paired with one cadre; admins
/// and auditors have no scope.
pub fn check_scope(
    role: Role,
    region: Option<RegionCode>,
    cadre: Option<&str>,
) -> Result<(), AccountError> {
    match role {
        Role::Official if region.is_none() => Err(AccountError::RegionRequired("official")),
        Role::Secretary => match region {
            None => Err(AccountError::RegionRequired("secretary")),
            Some(r) if r.level() != Level::Village => Err(AccountError::SecretaryNeedsVillage),
            Some(_) if cadre.is_some() => Err(AccountError::NoScope("secretary")),
            Some(_) => Ok(()),
        },
        Role::Helper if cadre.is_none() => Err(AccountError::CadreRequired),
        Role::Helper if region.is_some() => Err(AccountError::NoScope("helper")),
        Role::Official if cadre.is_some() => Err(AccountError::NoScope("official")),
        Role::Admin | Role::Auditor if region.is_some() || cadre.is_some() => {
            Err(AccountError::NoScope(role.code()))
        }
        _ => Ok(()),
    }
}

pub fn check_name(name: &str) -> Result<(), AccountError> {
    let n = name.chars().count();
    // The text rules of names (no control or invisible characters, NFC): "王科长" with a
    // zero-width space would be a second account that looks like the first.
    let text_rules = crate::text::check(crate::text::TextKind::Name, name);
    if n == 0
        || n > 64
        || name.chars().any(char::is_whitespace)
        || text_rules.map_or(true, |nfc| nfc != name)
    {
        return Err(AccountError::BadName);
    }
    Ok(())
}

/// How long an API token lasts unless told otherwise: a quarter, so that a token forgotten in
/// a script stops working within months.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;

/// The longest a token may last (ten years): every token ends.
pub const MAX_TOKEN_DAYS: u32 = 3650;

pub fn check_token_days(days: u32) -> Result<(), AccountError> {
    if (1..=MAX_TOKEN_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(AccountError::TokenDays)
    }
}

/// A password the user chooses for themselves: long enough, and not the one it replaces.
pub fn check_new_password(old: &str, new: &str) -> Result<(), AccountError> {
    check_password(new)?;
    if old == new {
        return Err(AccountError::SamePassword);
    }
    Ok(())
}

pub fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_follows_the_role() {
        let town = code("341102001000").unwrap();
        let official = Access::of_account("a", Role::Official, Some(town), None);
        assert!(official.covers_region(code("341102001001").unwrap()));
        assert!(official.covers_region(town));
        assert!(!official.covers_region(code("341102002001").unwrap()));
        assert!(!official.covers_region(code("341102000000").unwrap()));
        assert!(official.may_write() && !official.sees_full_id_numbers());
        let auditor = Access::of_account("b", Role::Auditor, None, None);
        assert!(!auditor.may_write() && auditor.may_read_audit_log());
        assert_eq!(auditor.scope, Scope::Everywhere);
        let helper = Access::of_account("c", Role::Helper, None, Some("C1"));
        assert_eq!(helper.scope, Scope::PairedWith("C1".into()));
        assert!(!helper.may_create_households() && !helper.covers_region(town));
        let broken = Access::of_account("d", Role::Official, None, None);
        assert_eq!(broken.scope, Scope::PairedWith(String::new()));
    }

    fn code(s: &str) -> Option<RegionCode> {
        Some(RegionCode::parse(s).unwrap())
    }

    #[test]
    fn each_role_has_its_scope() {
        assert!(check_scope(Role::Admin, None, None).is_ok());
        assert!(check_scope(Role::Auditor, None, None).is_ok());
        assert!(check_scope(Role::Official, code("341181100000"), None).is_ok());
        assert!(check_scope(Role::Secretary, code("341181100201"), None).is_ok());
        assert!(check_scope(Role::Helper, None, Some("C1")).is_ok());
        assert_eq!(
            check_scope(Role::Official, None, None),
            Err(AccountError::RegionRequired("official"))
        );
        assert_eq!(
            check_scope(Role::Secretary, code("341181100000"), None),
            Err(AccountError::SecretaryNeedsVillage)
        );
        assert_eq!(
            check_scope(Role::Helper, None, None),
            Err(AccountError::CadreRequired)
        );
        assert_eq!(
            check_scope(Role::Admin, code("341181"), None),
            Err(AccountError::NoScope("admin"))
        );
    }

    #[test]
    fn account_requests_are_checked_whole() {
        let r =
            AccountRequest::parse(" 王科长 ", "official", Some("341181100000"), Some("")).unwrap();
        assert_eq!(r.name, "王科长");
        assert_eq!((r.role, r.cadre), (Role::Official, None));
        assert_eq!(
            AccountRequest::parse("x", "boss", None, None),
            Err(AccountError::UnknownRole("boss".into()))
        );
        assert!(AccountError::UnknownRole("boss".into())
            .to_string()
            .contains("admin 管理员"));
        assert_eq!(
            AccountRequest::parse("x", "secretary", Some("34118"), None),
            Err(AccountError::BadRegion("34118".into()))
        );
        assert_eq!(
            AccountRequest::parse("x", "helper", Some(" "), None),
            Err(AccountError::CadreRequired)
        );
        assert_eq!(
            AccountRequest::parse("a b", "admin", None, None),
            Err(AccountError::BadName)
        );
    }

    #[test]
    fn names_and_passwords() {
        assert!(check_name("王科长").is_ok());
        assert!(check_name("a b").is_err());
        assert!(check_name("").is_err());
        assert!(check_name("王\u{200b}科长").is_err());
        assert!(check_name("王\0").is_err());
        assert!(check_name("Jose\u{301}").is_err());
        assert!(check_password("123456789").is_err());
        assert!(check_password("1234567890").is_ok());
        assert_eq!(
            check_new_password("1234567890", "1234567890"),
            Err(AccountError::SamePassword)
        );
        assert!(check_new_password("1234567890", "0987654321").is_ok());
        assert!(check_token_days(DEFAULT_TOKEN_DAYS).is_ok());
        assert_eq!(check_token_days(0), Err(AccountError::TokenDays));
        assert_eq!(check_token_days(3651), Err(AccountError::TokenDays));
    }
}
