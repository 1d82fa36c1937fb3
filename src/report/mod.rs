//! Report writers: an engine result rendered as JSON, CSV or a table.
//!
//! Each writer renders the same intermediate rows (`rows`), so the formats
//! cannot disagree. Writers produce strings; the command decides where they
//! go (stdout or an atomically written file).

pub mod credits;
pub mod csv_out;
pub mod dashboard;
pub mod describe;
pub mod disputes;
pub mod document;
pub mod explain;
pub mod figures;
pub mod flow;
pub mod json;
pub mod origin;
pub mod payments;
pub mod progress;
pub mod reconcile;
pub mod releases;
pub mod rows;
pub mod safe;
pub mod statement;
pub mod svg;
pub mod sweep;
pub mod table;
pub mod unmatched;
pub mod whatif;

use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format `{s}`; expected table, csv or json")),
        }
    }
}
