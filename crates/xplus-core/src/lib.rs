//! The xplus domain: the registry of poor households and the four links of the chain
//! (远教, 骨干, 集体, 产业), with the rules of `rules.md`. No IO, no async: everything here can be
//! tested with plain values.

pub mod accounts;
pub mod assessment;
pub mod audit;
pub mod backbone;
pub mod case_figures;
pub mod collective;
pub mod education;
pub mod industry;
pub mod interchange;
pub mod labels;
pub mod money;
pub mod ranking;
pub mod registry;
pub mod report;
pub mod rollup;
pub mod rules;
pub mod text;
pub mod values;

pub use money::Fen;
