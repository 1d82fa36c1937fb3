//! Stage two of reading an agreement: from the raw TOML structs to the
//! validated model, collecting every problem with its file:line:column
//! (docs/agreements.md, "What `royalty check` refuses").
//!
//! Stage one is serde into the raw structs (`raw`); `validate` here reads
//! the header and the tracks and hands each other part of the agreement to
//! the module of its domain: `parties` (and vesting), `terms` (rates,
//! pools, splits, amendments), `milestones` (and reversion, and `bonus`),
//! `advances` (advances, gates, reserves). `across` then checks the
//! agreements against each other. Every part reports through `context`.

use crate::agreement::raw::RawAgreement;
use crate::agreement::{Agreement, Party, PayoutRules, Track};
use crate::codes::{Currency, Isrc};
use crate::diag::{line_col, Diagnostic};
use crate::limits;
use advances::{advances, gate, reserve};
use context::Ctx;
use milestones::{milestones, over_a_hundred_with_escalations, reversion};
use parties::party;
use std::collections::HashMap;
use std::path::Path;
use terms::terms_and_amendments;

mod across;
mod advances;
mod bonus;
mod context;
mod milestones;
mod parties;
mod terms;

pub use across::across_agreements;

/// Reads and validates one agreement from its text. Pure: no I/O.
/// A syntax error stops reading (one error); every other problem of the
/// file is collected in the same run, floats included.
pub fn load_agreement_str(text: &str, file: &Path) -> Result<Agreement, Vec<Diagnostic>> {
    crate::agreement::raw::take_floats();
    let raw: RawAgreement = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            let mut msg = e.message().trim().replace('\n', " ");
            if let Some(hint) = e.span().and_then(|s| date_hint(&text[s.start..])) {
                msg.push_str(&hint);
            }
            return Err(vec![
                Diagnostic::error(file, line, col, msg).with_code("agreement.syntax")
            ]);
        }
    };
    let floats = crate::agreement::raw::take_floats();
    let mut cx = Ctx {
        text,
        file,
        diags: Vec::new(),
    };
    let a = validate(raw, &mut cx);
    // Every float is refused where its value is read; one no part of the
    // loader read must still fail the file, never pass as a number.
    let refused = cx
        .diags
        .iter()
        .filter(|d| d.message.starts_with("found the float"))
        .count();
    // In the file's order, whichever part of the loader found them.
    cx.diags.sort_by_key(|d| (d.line, d.column));
    if floats > refused {
        let (line, col) = first_float(text).unwrap_or((1, 1));
        cx.diags.push(Diagnostic::error(
            file,
            line,
            col,
            "a number is written as a float: money and rates are decimal strings such as \"0.1\" or \"10%\" (docs/agreements.md)",
        ));
    }
    if cx.diags.iter().any(Diagnostic::is_error) {
        Err(cx.diags)
    } else {
        a.ok_or(cx.diags)
    }
}

/// Where the first float of a TOML text is (line, column, from 1): a
/// number after `=`, `[`, `,` or `{` outside strings and comments with a
/// decimal point or an exponent (dates and times have `-` or `:` instead),
/// or `inf`/`nan`. For the float no part of the loader read, so that its
/// error still has a place.
fn first_float(text: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        let b = line.as_bytes();
        let (mut quote, mut prev) = (None::<u8>, b' ');
        let mut j = 0;
        while j < b.len() {
            let c = b[j];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) if c == b'\\' => j += 1,
                Some(_) => {}
                None if c == b'"' || c == b'\'' => quote = Some(c),
                None if c == b'#' => break,
                None if matches!(prev, b'=' | b'[' | b',' | b'{') => {
                    let end = b[j..]
                        .iter()
                        .position(|x| matches!(x, b',' | b']' | b'}' | b' ' | b'\t' | b'#'))
                        .map_or(b.len(), |k| j + k);
                    let token = &line[j..end];
                    let unsigned = token.trim_start_matches(['+', '-']);
                    let number = unsigned.starts_with(|x: char| x.is_ascii_digit())
                        && (unsigned.contains('.') || unsigned.contains(['e', 'E']))
                        && !unsigned.contains([':', '-']);
                    if number || matches!(unsigned, "inf" | "nan") {
                        return Some((i + 1, j + 1));
                    }
                }
                None => {}
            }
            if !c.is_ascii_whitespace() {
                prev = c;
            }
            j += 1;
        }
    }
    None
}

/// A hint for a date TOML cannot read (`2026/01/15`, `15.01.2026`): the
/// parser only says the value is not quoted, which misleads.
fn date_hint(at: &str) -> Option<String> {
    let token: String = at
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | '-'))
        .collect();
    let parts: Vec<&str> = token.split(['/', '.', '-']).collect();
    let date_like = parts.len() == 3
        && token.contains(['/', '.'])
        && parts
            .iter()
            .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    date_like.then(|| {
        format!(" (`{token}` looks like a date: dates are written year-month-day, 2026-01-15)")
    })
}

/// Reads every agreement file, validates each, then the checks across
/// agreements: duplicate ids and a track covered twice over the same dates.
/// Returns the agreements sorted by id (the order of the payouts:
/// docs/commands.md, "`run --format json`").
pub fn load_agreements(
    files: &[(std::path::PathBuf, String)],
) -> (Vec<Agreement>, Vec<Diagnostic>) {
    let each = files
        .iter()
        .map(|(path, text)| load_agreement_str(text, path));
    across_agreements(files, each.collect())
}

fn validate(raw: RawAgreement, cx: &mut Ctx) -> Option<Agreement> {
    let id = raw.id.get_ref().clone();
    if !limits::safe_id(&id)
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        cx.err_at(
            &raw.id,
            format!(
                "agreement id `{id}`: expected lower-case letters, digits and hyphens ([a-z0-9-]), starting with a letter or digit, at most {} characters",
                limits::MAX_ID_LEN
            ),
        );
    }
    let currency = Currency::parse(raw.currency.get_ref());
    if currency.is_none() {
        cx.err_at(
            &raw.currency,
            format!(
                "unknown currency code `{}`; expected an ISO 4217 code such as USD",
                raw.currency.get_ref()
            ),
        );
    }
    let signed = raw.signed.as_ref().and_then(|v| cx.date(v, "signed"));
    let start = raw.start.as_ref().and_then(|v| cx.date(v, "start"));
    let end = raw.end.as_ref().and_then(|v| cx.date(v, "end"));
    if let (Some(s), Some(e), Some(v)) = (start, end, raw.end.as_ref()) {
        if e < s {
            cx.err_at(v, format!("`end` {e} is before `start` {s}"));
        }
    }

    // Tracks.
    let mut tracks = Vec::new();
    let mut seen_isrc: HashMap<Isrc, ()> = HashMap::new();
    for t in &raw.track {
        match Isrc::parse(t.isrc.get_ref()) {
            Some(isrc) => {
                if seen_isrc.insert(isrc, ()).is_some() {
                    cx.err_at(&t.isrc, format!("duplicate track {isrc} in this agreement"));
                }
                tracks.push(Track {
                    isrc,
                    title: t.title.clone().unwrap_or_default(),
                });
            }
            None => cx.err_at(
                &t.isrc,
                format!(
                    "malformed ISRC `{}`: expected 2 letters, 3 letters or digits, 2 digits, 5 digits (e.g. QZNWX2600001)",
                    t.isrc.get_ref()
                ),
            ),
        }
    }
    if raw.track.is_empty() {
        cx.err(
            raw.id.span(),
            "the agreement covers no track: add at least one [[track]] with an isrc",
        );
    }

    // Parties.
    let mut parties = Vec::new();
    for p in &raw.party {
        if let Some(party) = party(p, currency, cx) {
            if parties.iter().any(|q: &Party| q.id == party.id) {
                cx.err_at(&p.id, format!("duplicate party id `{}`", party.id));
            }
            parties.push(party);
        }
    }
    if raw.party.is_empty() {
        cx.err(
            raw.id.span(),
            "the agreement names no party: add at least one [[party]]",
        );
    }

    let mut payout = PayoutRules::default();
    if let Some(p) = &raw.payout {
        if let Some(m) = &p.get_ref().minimum {
            if let Some(d) = cx.decimal_in(m, "payout.minimum", &limits::MONEY) {
                payout.minimum = crate::money::Money(d);
            }
        }
        if let Some(v) = &p.get_ref().lock_in_until {
            payout.lock_in_until = cx.date(v, "payout.lock_in_until");
        }
    }

    let lock_in = payout.lock_in_until;
    let (terms, reasons) = terms_and_amendments(&raw, &mut parties, currency, lock_in, cx);
    let milestones = milestones(&raw, &parties, cx);
    let reversion = raw
        .reversion
        .as_ref()
        .and_then(|r| reversion(r, &parties, cx));
    if let (Some(ts), Some(ms)) = (&terms, &milestones) {
        over_a_hundred_with_escalations(ts, ms, &raw, cx);
    }
    let advances = advances(&raw, &parties, cx);
    let mut milestones = milestones;
    if let (Some(ms), Some(advs)) = (&mut milestones, &advances) {
        bonus::resolve_recoup(&raw, ms, advs, cx);
    }
    let gate = raw
        .gate
        .as_ref()
        .and_then(|g| gate(g, &raw, &parties, &advances, cx));
    let reserve = raw.reserve.as_ref().and_then(|r| reserve(r, cx));
    // The dispute procedure and the releases (`procedure`): its problems
    // come back with their places.
    let mut problems = Vec::new();
    let (objection_days, dispute) = match &raw.dispute {
        Some(d) => crate::agreement::procedure::dispute(d, &mut problems),
        None => (None, None),
    };
    let releases =
        crate::agreement::procedure::releases(&raw.release, &tracks, cx.text, &mut problems);
    for (span, msg) in problems {
        cx.err(span, msg);
    }

    Some(Agreement {
        id,
        title: raw.title.clone().unwrap_or_default(),
        currency: currency?,
        signed,
        start,
        end,
        tracks,
        parties,
        terms: terms?,
        payout,
        advances: advances?,
        gate,
        reserve,
        objection_days,
        dispute,
        releases,
        milestones: milestones?,
        reversion,
        amendment_reasons: reasons,
        file: cx.file.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::first_float;

    #[test]
    fn the_first_float_is_placed_outside_strings_dates_and_comments() {
        let text = "id = \"a.b\"  # 1.5\nsigned = 2026-01-01\nw = { s = 15249726517796838572.5 }\n";
        assert_eq!(first_float(text), Some((3, 11)));
        assert_eq!(first_float("x = [1, 2.5e3]\n"), Some((1, 9)));
        assert_eq!(first_float("x = -inf\n"), Some((1, 5)));
        assert_eq!(first_float("x = \"0.1\"\ny = 3\n"), None);
    }
}
