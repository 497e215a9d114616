//! The registry (精准识别): regions, villages, households, members, identity numbers, incomes.

pub mod checks;
pub mod household;
pub mod id_number;
pub mod income;
pub mod member;
pub mod membership;
pub mod records;
pub mod region;
pub mod search;
pub mod standing;

pub use household::{HouseholdStatus, PovertyCause};
pub use id_number::{IdNumber, IdNumberError, Sex};
pub use income::YearlyIncome;
pub use member::{Health, Labour, Relation, Schooling};
pub use records::{Household, Income, Member, RowError};
pub use region::{Level, RegionCode, RegionCodeError};
pub use standing::{standing_at_end, standing_at_start, Standing};
