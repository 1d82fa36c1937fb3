//! `--format json` of `run` and `close` (docs/commands.md, stable: scripts
//! depend on it; `royalty.run/1`, docs/schema/run.json). Fields are only
//! ever added (`out_of_term`, `statements` with each file's skipped rows,
//! `schema`, `problems`), never changed.

use super::rows::{agreement_rows, payout_rows, AgreementRow, PayoutRow, SetAside};
use crate::agreement::Agreement;
use crate::diag::Problem;
use crate::engine::PeriodResult;
use crate::money::{round_cents, Money};
use crate::period::Period;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct RunJson {
    period: Period,
    payouts: Vec<PayoutRow>,
    agreements: Vec<AgreementRow>,
    unmatched: SetAside,
    out_of_term: SetAside,
    statements: Vec<StatementJson>,
    /// Release rows without ISRC per currency, apportioned or not (an
    /// addition: absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    releases: Vec<super::releases::ReleaseTotals>,
    checks: ChecksJson,
}

#[derive(Serialize)]
struct StatementJson {
    file: String,
    format: String,
    sha256: String,
    lines: u64,
    amount: BTreeMap<String, Money>,
    /// Rows not read as revenue lines, by reason (an addition: absent when
    /// none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped: Vec<SkippedJson>,
}

/// One reason rows of a statement were skipped (docs/formats.md).
#[derive(Serialize)]
struct SkippedJson {
    reason: String,
    kind: crate::statement::SkipKind,
    rows: u64,
    amount: BTreeMap<String, Money>,
    units: i64,
}

fn skipped(f: &crate::statement::FileSummary) -> Vec<SkippedJson> {
    f.skipped
        .iter()
        .map(|s| SkippedJson {
            reason: s.reason.clone(),
            kind: s.kind,
            rows: s.rows,
            amount: s
                .sums
                .iter()
                .filter(|(c, a)| c.as_str() != "?" || !a.amount.is_zero())
                .map(|(c, a)| (c.clone(), Money(round_cents(a.amount))))
                .collect(),
            units: s.sums.values().map(|a| a.units).sum(),
        })
        .collect()
}

#[derive(Serialize)]
struct ChecksJson {
    conservation: &'static str,
}

pub fn render(r: &PeriodResult, agreements: &[Agreement], problems: &[Problem]) -> String {
    let doc = RunJson {
        period: r.period,
        payouts: payout_rows(r, agreements),
        agreements: agreement_rows(r, agreements),
        unmatched: SetAside::from(&r.unmatched),
        out_of_term: SetAside::from(&r.out_of_term),
        statements: r
            .files
            .iter()
            .map(|f| StatementJson {
                file: f.path.display().to_string(),
                format: f.format.clone(),
                sha256: f.sha256.clone(),
                lines: f.lines,
                amount: f
                    .totals
                    .iter()
                    .map(|(c, s)| (c.to_string(), Money(round_cents(s.amount))))
                    .collect(),
                skipped: skipped(f),
            })
            .collect(),
        releases: super::releases::totals(r),
        checks: ChecksJson {
            conservation: if r.checks.conservation {
                "ok"
            } else {
                "failed"
            },
        },
    };
    super::document::render("run", &doc, problems)
}
