//! Events (docs/agreements.md, "Events: `events.csv`"):
//! `date,isrc,kind,value,note` — chart positions, sync deals, licences, awards,
//! reviews. Event milestones are reached in the period containing the event's
//! date and stay reached (docs/arithmetic.md, step 4, *Event*).

use crate::codes::Isrc;
use crate::diag::Diagnostic;
use crate::limits;
use crate::money::{decimal_comma, parse_decimal};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    Chart,
    SyncDeal,
    License,
    Award,
    Review,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::Chart,
        EventKind::SyncDeal,
        EventKind::License,
        EventKind::Award,
        EventKind::Review,
    ];
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Chart => "chart",
            EventKind::SyncDeal => "sync_deal",
            EventKind::License => "license",
            EventKind::Award => "award",
            EventKind::Review => "review",
        }
    }
    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == s.trim())
    }
    pub fn vocabulary() -> String {
        EventKind::ALL.map(|k| k.name()).join(", ")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub date: Date,
    pub isrc: Isrc,
    pub kind: EventKind,
    /// Chart position, deal amount, award (1) or review score.
    pub value: Decimal,
    pub note: String,
    pub line: usize,
}

/// Reads an events file, reporting every bad cell with its place.
pub fn parse_events(text: &str, file: &Path) -> (Vec<Event>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(Diagnostic::unreadable_csv(file, &e));
                break;
            }
        };
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let Some(h) = &header else {
            let names: Vec<String> = rec.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
            let want = ["date", "isrc", "kind", "value"];
            if !want.iter().all(|w| names.iter().any(|n| n == w)) {
                diags.push(Diagnostic::error(
                    file,
                    line,
                    1,
                    "expected the header `date,isrc,kind,value,note`",
                ));
                return (out, diags);
            }
            header = Some(names);
            continue;
        };
        let idx = |name: &str| h.iter().position(|n| n == name);
        let cell = |name: &str| idx(name).and_then(|i| rec.get(i)).unwrap_or("");
        let col = |name: &str| {
            let i = idx(name).unwrap_or(0);
            1 + rec
                .iter()
                .take(i)
                .map(|c| c.chars().count() + 1)
                .sum::<usize>()
        };
        let mut bad = |name: &str, expected: &str| {
            diags.push(Diagnostic::error(
                file,
                line,
                col(name),
                format!("{name}: expected {expected}, found `{}`", cell(name)),
            ));
        };
        let date = cell("date").trim().parse::<Date>().ok();
        if date.is_none() {
            bad("date", "a date like 2026-02-14");
        }
        let isrc = Isrc::parse(cell("isrc"));
        if isrc.is_none() {
            bad("isrc", "an ISRC like QZNWX2600001");
        }
        let kind = EventKind::parse(cell("kind"));
        if kind.is_none() {
            bad("kind", &format!("one of {}", EventKind::vocabulary()));
        }
        let value = match parse_decimal(cell("value")) {
            None => {
                match decimal_comma(cell("value")) {
                    Some(dotted) => bad(
                        "value",
                        &format!("a number with a decimal point (write {dotted})"),
                    ),
                    None => bad("value", "a number (chart position, amount or score)"),
                }
                None
            }
            // A chart position is a place from 1 down; any other value an
            // amount, score or count (docs/limits.md).
            Some(v) => {
                let range = match kind {
                    Some(EventKind::Chart) => &limits::CHART_POSITION,
                    _ => &limits::EVENT_VALUE,
                };
                match range.check(v) {
                    Ok(v) => Some(v),
                    Err(_) => {
                        bad("value", range.expect);
                        None
                    }
                }
            }
        };
        if let (Some(date), Some(isrc), Some(kind), Some(value)) = (date, isrc, kind, value) {
            out.push(Event {
                date,
                isrc,
                kind,
                value,
                note: cell("note").to_string(),
                line,
            });
        }
    }
    (out, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_out_of_range_are_placed() {
        let (ev, d) = parse_events(
            "date,isrc,kind,value,note\n2026-02-14,QZNWX2600001,chart,-3,x\n\
             2026-02-14,QZNWX2600001,chart,0,x\n2026-02-14,QZNWX2600001,chart,2.5,x\n\
             2026-02-14,QZNWX2600001,sync_deal,10000000000000000,x\n\
             2026-02-14,QZNWX2600001,review,4.5,x\n",
            Path::new("events.csv"),
        );
        assert_eq!(ev.len(), 1, "{d:?}");
        let m: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(
            m[0].starts_with("events.csv:2:31: error: value: expected a chart position"),
            "{}",
            m[0]
        );
        assert!(m[1].starts_with("events.csv:3:31:"), "{}", m[1]);
        assert!(m[2].starts_with("events.csv:4:31:"), "{}", m[2]);
        assert!(m[3].contains("up to 10^15"), "{}", m[3]);
    }

    #[test]
    fn events_parse_and_bad_cells_are_placed() {
        let (ev, d) = parse_events(
            "date,isrc,kind,value,note\n2026-02-14,QZNWX2600001,chart,7,Official Singles Chart peak\n\
             2026-02-30,QZNWX2600001,chart,7,x\n2026-02-14,QZNWX2600001,tweet,7,x\n2026-02-14,QZNWX2600001,chart,seven,x\n",
            Path::new("events.csv"),
        );
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].kind, EventKind::Chart);
        let m: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].starts_with("events.csv:3:1: error: date"), "{}", m[0]);
        assert!(
            m[1].starts_with("events.csv:4:25: error: kind: expected one of chart"),
            "{}",
            m[1]
        );
        assert!(
            m[2].starts_with("events.csv:5:31: error: value"),
            "{}",
            m[2]
        );
    }
}
