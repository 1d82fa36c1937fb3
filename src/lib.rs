//! `royalty`: producer backend royalties for record labels.
//!
//! Data flows one way: files -> model -> engine -> reports.
//! - `agreement`, `statement`, `fx`: the model, and loaders that build it
//!   from files with precise errors;
//! - `engine`: pure arithmetic of docs/arithmetic.md, every figure with its
//!   trace;
//! - `report`: renders an engine result as table, CSV or JSON;
//! - the binary (`src/main.rs`, `src/cmd/`) only wires these together.

pub mod agreement;
pub mod codes;
pub mod diag;
pub mod engine;
pub mod events;
pub mod exact;
pub mod fsutil;
pub mod fx;
pub mod import;
pub mod ledger;
pub mod limits;
pub mod load;
pub mod money;
pub mod paths;
pub mod period;
pub mod project;
pub mod report;
pub mod statement;
