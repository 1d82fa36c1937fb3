//! One usage (SU) record of a DSR, read with what its block and summary
//! record say: its track, date, source, territory, usages, and its net
//! revenue when the record carries one (SU03); SU02 records of the
//! BasicAudioProfile carry none, and share their summary's (`share`).

use super::{values, Rec, Resource, Summary};
use crate::codes::{Currency, Isrc, Source, Territory};
use crate::import::profile::Profile;
use crate::import::table::Reader;
use crate::period::Usage;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A usage record, read.
pub struct UsageRec {
    pub line: u64,
    /// The track, or why the resource has none to attribute it to.
    pub isrc: Result<Isrc, String>,
    pub usage: Usage,
    pub source: Source,
    pub territory: Territory,
    pub units: i64,
    /// `None`: the record has no NetRevenue; its summary's is shared out.
    pub amount: Option<Decimal>,
    /// The summary's currency (or the record's); `None` when neither says.
    pub currency: Option<Currency>,
    pub summary: String,
}

/// What a record is read with besides its cells.
pub struct Context<'a> {
    pub p: &'a Profile,
    pub resources: &'a [Resource],
    pub summaries: &'a HashMap<String, Summary>,
    pub head: Option<&'a (Vec<String>, Vec<String>)>,
    pub date: &'a dyn Fn(&str) -> Option<Usage>,
    pub period_end: Option<jiff::civil::Date>,
}

pub fn usage_record(
    cx: &Context,
    rec: &Rec,
    line: u64,
    rd: &mut Reader,
) -> Result<UsageRec, (usize, String)> {
    let p = cx.p;
    let bad = |name: &str, expected: &str| {
        (
            0,
            format!(
                "{name}: expected {expected}, found `{}`",
                rec.get(name).unwrap_or("")
            ),
        )
    };
    let sid = rec.get("SummaryRecordId").unwrap_or("").to_string();
    let summary = cx.summaries.get(&sid).map(|s| Rec {
        cols: &s.cols,
        cells: &s.cells,
    });
    let head = cx.head.map(|(c, v)| Rec { cols: c, cells: v });
    // A cell of the usage line, else of its summary record.
    let from = |name: &str| -> Option<&str> {
        rec.get(name).filter(|v| !v.is_empty()).or_else(|| {
            summary
                .as_ref()
                .and_then(|s| s.get(name))
                .filter(|v| !v.is_empty())
        })
    };
    // SU03 counts `Usages`, SU02 `NumberOfStreams`.
    let usages = ["Usages", "NumberOfStreams"]
        .into_iter()
        .find(|c| rec.get(c).is_some_and(|v| !v.is_empty()))
        .unwrap_or("Usages");
    let units = p
        .numbers
        .integer(rec.get(usages).unwrap_or("").as_bytes())
        .map_err(|_| bad(usages, "a whole number of usages"))?;
    let amount = match rec.get("NetRevenue") {
        Some(v) if !v.is_empty() => Some(
            p.numbers
                .decimal(v.as_bytes())
                .map(|e| e.value)
                .map_err(|_| bad("NetRevenue", "a decimal amount"))?,
        ),
        _ => None,
    };
    let currency = match from("Currency").or_else(|| from("CurrencyOfReporting")) {
        Some(c) => Some(Currency::parse(c).ok_or_else(|| {
            (
                0,
                format!("Currency: expected an ISO 4217 code, found `{c}`"),
            )
        })?),
        None if summary.is_none() => {
            return Err((
                0,
                format!(
                    "the usage line refers to summary record `{sid}`, which is not in the file: it has no currency and no revenue"
                ),
            ))
        }
        None => None,
    };
    let territory = match from("Territory") {
        Some(t) => rd.territory(t.as_bytes(), &p.territories, line),
        None => Territory::WORLD,
    };
    let start = rec.get("ValidityPeriodStart").filter(|s| !s.is_empty());
    let end = rec.get("ValidityPeriodEnd").filter(|s| !s.is_empty());
    let mut usage = match start {
        Some(s) => {
            (cx.date)(s).ok_or_else(|| bad("ValidityPeriodStart", "a date like 20151001"))?
        }
        None => head
            .as_ref()
            .and_then(|h| h.get("UsageStartDate"))
            .and_then(cx.date)
            .ok_or_else(|| {
                (
                    0,
                    "no usage date: neither ValidityPeriodStart nor the HEAD's UsageStartDate"
                        .to_string(),
                )
            })?,
    };
    if start.is_none() || start != end {
        usage.day = 0;
    }
    if let Some(end) = cx.period_end {
        if usage.first_day() > end {
            return Err((
                0,
                format!(
                    "the usage date {usage} is after the period's end ({end}): the line would be priced under terms not yet in force; it belongs to a later period"
                ),
            ));
        }
    }
    // The resource: the block's one resource, or the one whose reference
    // the usage line names.
    let ids: Vec<String> = [
        "ResourceReference",
        "DspResourceId",
        "DspReleaseId",
        "TransactedResource",
    ]
    .iter()
    .filter_map(|c| rec.get(c))
    .flat_map(values)
    .collect();
    let res = match cx.resources {
        [] => {
            return Err((
                0,
                "a usage line outside a block with a resource (AS record)".into(),
            ))
        }
        [one] => one,
        many => many
            .iter()
            .find(|r| r.refs.iter().any(|x| ids.contains(x)))
            .ok_or_else(|| {
                (
                    0,
                    format!(
                        "the usage line names no resource of its block ({})",
                        ids.join(", ")
                    ),
                )
            })?,
    };
    let source = p
        .rules
        .iter()
        .find(|r| {
            let v = summary
                .as_ref()
                .and_then(|s| s.get(&r.column))
                .or_else(|| rec.get(&r.column))
                .or_else(|| head.as_ref().and_then(|h| h.get(&r.column)));
            v.is_some_and(|v| r.matcher.matches(v.as_bytes()))
        })
        .map(|r| r.source)
        .unwrap_or(p.default_source);
    Ok(UsageRec {
        line,
        isrc: res.isrc.clone(),
        usage,
        source,
        territory,
        units,
        amount,
        currency,
        summary: sid,
    })
}
