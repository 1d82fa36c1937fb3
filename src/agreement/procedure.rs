//! Two clauses about what happens around the money rather than to it:
//! `[dispute]`, the procedure for challenging a statement (objection
//! window, mediation, arbitration, whether the disputed amount is held),
//! and `[[release]]`, the albums the agreement's tracks are on, so that
//! revenue a distributor reports per release can be apportioned to them.
//! Read from the raw TOML with every problem at its place, and checked
//! across agreements (two agreements naming one release must agree on it).

use super::raw::{RawDispute, RawNum, RawRelease, S};
use super::{covers_same_dates, Agreement, DisputeClause, Release, Track};
use crate::codes::{Isrc, Upc};
use crate::diag::{line_col, Diagnostic};
use std::collections::BTreeMap;
use std::ops::Range;

/// Problems found, each at a byte span of the agreement's text (the
/// loader turns them into file:line:column).
pub type Problems = Vec<(Range<usize>, String)>;

fn at<T>(out: &mut Problems, v: &S<T>, msg: impl Into<String>) {
    out.push((v.span(), msg.into()));
}

/// A whole, non-negative number ("90" or 90).
fn whole(out: &mut Problems, v: &S<RawNum>, what: &str) -> Option<u32> {
    if let Some(msg) = v.get_ref().float_error() {
        at(out, v, msg);
        return None;
    }
    let n = match v.get_ref() {
        RawNum::Int(i) => u32::try_from(*i).ok(),
        RawNum::Text(t) => {
            crate::money::parse_decimal(t).and_then(|d| crate::limits::count(d, u32::MAX))
        }
        RawNum::Float(_) => None,
    };
    if n.is_none() {
        at(
            out,
            v,
            format!("`{what}` must be a whole, non-negative number"),
        );
    }
    n
}

/// The most tracks a release may have: beyond a box set, a typo.
pub const MAX_RELEASE_TRACKS: u32 = 999;

/// The longest period a clause may state in days (docs/limits.md).
const MAX_DAYS: u32 = crate::limits::MAX_OBJECTION_DAYS;

fn days(out: &mut Problems, v: &S<RawNum>, what: &str) -> Option<u32> {
    let n = whole(out, v, what)?;
    if n > MAX_DAYS {
        at(
            out,
            v,
            format!("`{what}` = {n}: at most {MAX_DAYS} days (ten years)"),
        );
        return None;
    }
    Some(n)
}

/// `[dispute]`: the objection window (kept on its own, as before) and the
/// rest of the procedure.
pub fn dispute(d: &RawDispute, out: &mut Problems) -> (Option<u32>, Option<DisputeClause>) {
    let objection = d
        .objection_days
        .as_ref()
        .and_then(|v| days(out, v, "dispute.objection_days"));
    let mediation_days = d
        .mediation_days
        .as_ref()
        .and_then(|v| days(out, v, "dispute.mediation_days"));
    let arbitration_days = d
        .arbitration_days
        .as_ref()
        .and_then(|v| days(out, v, "dispute.arbitration_days"));
    let arbitration = d.arbitration.as_ref().and_then(|a| {
        let t = a.get_ref().trim();
        if t.is_empty() {
            at(
                out,
                a,
                "`dispute.arbitration` is empty: name the body or expert who decides, or leave the key out",
            );
            return None;
        }
        Some(t.to_string())
    });
    let clause = DisputeClause {
        mediation_days,
        arbitration,
        arbitration_days,
        hold_disputed: d.hold_disputed.as_ref().is_some_and(|h| *h.get_ref()),
    };
    (objection, Some(clause))
}

/// `[[release]]` entries: a valid UPC/EAN (check digit included), a track
/// count, and which of the agreement's tracks are on it (`isrcs`, by
/// default all of them), no more than the count.
pub fn releases(
    raw: &[RawRelease],
    tracks: &[Track],
    text: &str,
    problems: &mut Problems,
) -> Vec<Release> {
    let mut out: Vec<Release> = Vec::new();
    for r in raw {
        // The check digit is not enforced here (a warning across agreements
        // says when it does not add up): the code must only equal, digit for
        // digit, what the statements carry, and refusing a code a label
        // copied from its own catalogue would block its quarter.
        let upc = match Upc::parse_checked(r.upc.get_ref()) {
            Ok(u) => u,
            Err(e) => match Upc::parse_bytes(r.upc.get_ref().trim().as_bytes()) {
                Some(u) if r.upc.get_ref().trim().bytes().all(|b| b.is_ascii_digit()) => u,
                _ => {
                    at(problems, &r.upc, format!("release `upc`: {e}"));
                    continue;
                }
            },
        };
        if out.iter().any(|x| x.upc == upc) {
            at(problems, &r.upc, format!("release {upc} is named twice"));
            continue;
        }
        let Some(n) = whole(problems, &r.tracks, "release.tracks") else {
            continue;
        };
        if n == 0 || n > MAX_RELEASE_TRACKS {
            at(
                problems,
                &r.tracks,
                format!("`release.tracks` = {n}: a release has 1 to {MAX_RELEASE_TRACKS} tracks"),
            );
            continue;
        }
        let listed = match &r.isrcs {
            None => (0..tracks.len()).collect(),
            Some(list) => listed(list, tracks, problems),
        };
        if listed.len() > n as usize {
            let place = r.isrcs.as_ref().map(|l| l.span()).unwrap_or(r.upc.span());
            problems.push((
                place,
                format!(
                    "release {upc} has {n} tracks, but {} of this agreement's tracks are listed on it; \
                     give `isrcs` for the ones on the release, or its real track count",
                    listed.len()
                ),
            ));
            continue;
        }
        out.push(Release {
            upc,
            title: r.title.clone().unwrap_or_default(),
            tracks: n,
            listed,
            upc_at: line_col(text, r.upc.span().start),
        });
    }
    out
}

/// The agreement's tracks named by `isrcs`, each once.
fn listed(list: &S<Vec<S<String>>>, tracks: &[Track], problems: &mut Problems) -> Vec<usize> {
    let mut out = Vec::new();
    if list.get_ref().is_empty() {
        at(
            problems,
            list,
            "`isrcs` is empty: list the agreement's tracks on the release, or leave it out for all of them",
        );
    }
    for s in list.get_ref() {
        let Some(isrc) = Isrc::parse(s.get_ref()) else {
            at(problems, s, format!("malformed ISRC `{}`", s.get_ref()));
            continue;
        };
        match tracks.iter().position(|t| t.isrc == isrc) {
            None => at(
                problems,
                s,
                format!("{isrc} is not a [[track]] of this agreement: only its own tracks can share in a release"),
            ),
            Some(i) if out.contains(&i) => at(problems, s, format!("{isrc} is listed twice")),
            Some(i) => out.push(i),
        }
    }
    out
}

/// Across agreements whose terms overlap: two naming one release must give
/// it the same track count and name different tracks, and together no
/// more tracks than it has (else its revenue would be shared out twice).
pub fn releases_across(agreements: &[Agreement]) -> Vec<Diagnostic> {
    let mut by_upc: BTreeMap<Upc, Vec<(usize, &Release)>> = BTreeMap::new();
    for (i, a) in agreements.iter().enumerate() {
        for r in &a.releases {
            by_upc.entry(r.upc).or_default().push((i, r));
        }
    }
    let mut diags = Vec::new();
    for a in agreements {
        for r in a.releases.iter().filter(|r| !r.upc.check_digit_ok()) {
            diags.push(Diagnostic::warning(
                &a.file,
                r.upc_at.0,
                r.upc_at.1,
                format!(
                    "release {}: its check digit is {}, but its other digits give {}; \
                     accepted as written, so statement rows must carry these same digits",
                    r.upc,
                    r.upc.check_digit(),
                    r.upc.expected_check_digit()
                ),
            ));
        }
    }
    for (upc, claims) in by_upc {
        for (k, &(i, r)) in claims.iter().enumerate() {
            let b = &agreements[i];
            let overlapping: Vec<&(usize, &Release)> = claims[..k]
                .iter()
                .filter(|(j, _)| agreements[*j].id != b.id && covers_same_dates(&agreements[*j], b))
                .collect();
            let err = |msg: String| Diagnostic::error(&b.file, r.upc_at.0, r.upc_at.1, msg);
            for &&(j, q) in &overlapping {
                let a = &agreements[j];
                if q.tracks != r.tracks {
                    diags.push(err(format!(
                        "release {upc} has {} tracks here but {} in agreement `{}` ({}): one release has one track count",
                        r.tracks, q.tracks, a.id, a.file.display()
                    )));
                }
            }
            let mine: Vec<Isrc> = r.listed.iter().map(|&t| b.tracks[t].isrc).collect();
            let mut total = mine.len();
            for &&(j, q) in &overlapping {
                let a = &agreements[j];
                total += q.listed.len();
                if let Some(isrc) = q
                    .listed
                    .iter()
                    .map(|&t| a.tracks[t].isrc)
                    .find(|x| mine.contains(x))
                {
                    diags.push(err(format!(
                        "release {upc}: track {isrc} is also listed on it by agreement `{}` ({}) over the same dates",
                        a.id,
                        a.file.display()
                    )));
                }
            }
            if !overlapping.is_empty() && total > r.tracks as usize {
                diags.push(err(format!(
                    "release {upc} has {} tracks, but the agreements naming it over the same dates list {total}",
                    r.tracks
                )));
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use crate::agreement::{load_agreement_str, load_agreements};
    use std::path::{Path, PathBuf};

    const HEAD: &str = r#"
id = "album"
currency = "USD"
[[track]]
isrc = "QZNWX2600001"
[[track]]
isrc = "QZNWX2600002"
[[party]]
id = "ava"
[rates.ava]
streaming = "4%"
"#;

    fn load(extra: &str) -> Result<crate::agreement::Agreement, String> {
        load_agreement_str(&format!("{HEAD}{extra}"), Path::new("a.toml")).map_err(|d| {
            d.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    #[test]
    fn the_dispute_procedure_is_read_whole() {
        let a = load(
            "[dispute]\nobjection_days = 90\nmediation_days = 60\narbitration = \"an independent royalty auditor\"\narbitration_days = 45\nhold_disputed = true\n",
        )
        .unwrap();
        assert_eq!(a.objection_days, Some(90));
        let d = a.dispute.unwrap();
        assert_eq!(d.mediation_days, Some(60));
        assert_eq!(
            d.arbitration.as_deref(),
            Some("an independent royalty auditor")
        );
        assert_eq!(d.arbitration_days, Some(45));
        assert!(d.hold_disputed);
        // Every key is optional; holding is off unless stated.
        let a = load("[dispute]\nobjection_days = 30\n").unwrap();
        assert!(!a.dispute.unwrap().hold_disputed);
    }

    #[test]
    fn a_bad_procedure_is_refused_at_its_place() {
        let e = load("[dispute]\nmediation_days = \"sixty\"\n").unwrap_err();
        assert!(
            e.contains("a.toml:13:18") && e.contains("mediation_days"),
            "{e}"
        );
        let e = load("[dispute]\nobjection_days = 99999\n").unwrap_err();
        assert!(e.contains("at most 3650 days"), "{e}");
        let e = load("[dispute]\nhold_disputed = \"yes\"\n").unwrap_err();
        assert!(e.contains("a.toml:13"), "{e}");
        let e = load("[dispute]\narbitration = \" \"\n").unwrap_err();
        assert!(e.contains("is empty"), "{e}");
        let e = load("[dispute]\nappeal_days = 3\n").unwrap_err();
        assert!(e.contains("appeal_days"), "{e}");
    }

    #[test]
    fn releases_name_their_tracks() {
        let a = load("[[release]]\nupc = \"859700000014\"\ntracks = 12\n").unwrap();
        assert_eq!(a.releases[0].tracks, 12);
        assert_eq!(a.releases[0].listed, vec![0, 1]);
        let a = load(
            "[[release]]\nupc = \"859700000014\"\ntracks = 12\nisrcs = [\"QZ-NWX-26-00002\"]\n",
        )
        .unwrap();
        assert_eq!(a.releases[0].listed, vec![1]);
        let a = load("[[release]]\nupc = \"859700000014\"\ntracks = \"12.0\"\n").unwrap();
        assert_eq!(a.releases[0].tracks, 12);
        let e = load("[[release]]\nupc = \"859700000014\"\ntracks = -3\n").unwrap_err();
        assert!(e.contains("whole, non-negative"), "{e}");
    }

    #[test]
    fn bad_releases_are_refused_at_their_place() {
        for (extra, want) in [
            ("upc = \"85970000001\"\ntracks = 12\n", "not a UPC/EAN"),
            ("upc = \"859700000014\"\ntracks = 1\n", "has 1 tracks, but 2"),
            ("upc = \"859700000014\"\ntracks = 0\n", "1 to 999"),
            ("upc = \"859700000014\"\ntracks = \"12.5\"\n", "whole"),
            (
                "upc = \"859700000014\"\ntracks = 12\nisrcs = [\"QZNWX2600009\"]\n",
                "not a [[track]]",
            ),
            (
                "upc = \"859700000014\"\ntracks = 12\nisrcs = [\"QZNWX2600001\", \"QZNWX2600001\"]\n",
                "listed twice",
            ),
            ("upc = \"859700000014\"\ntracks = 12\nisrcs = []\n", "is empty"),
        ] {
            let e = load(&format!("[[release]]\n{extra}")).unwrap_err();
            assert!(e.contains(want) && e.contains("a.toml:1"), "{extra}: {e}");
        }
        let e = load(
            "[[release]]\nupc = \"859700000014\"\ntracks = 12\n[[release]]\nupc = \"0859700000014\"\ntracks = 12\n",
        )
        .unwrap_err();
        assert!(e.contains("named twice"), "{e}");
    }

    fn two(b_tracks: u32, b_isrc: &str, dates: &str) -> Vec<String> {
        let a_dates = if dates.is_empty() {
            ""
        } else {
            "end = 2029-12-31\n"
        };
        let a = format!(
            "{}[[release]]\nupc = \"859700000014\"\ntracks = 3\nisrcs = [\"QZNWX2600001\"]\n",
            HEAD.replace(
                "currency = \"USD\"\n",
                &format!("currency = \"USD\"\n{a_dates}")
            )
        );
        let b = format!(
            "id = \"other\"\ncurrency = \"USD\"\n{dates}[[track]]\nisrc = \"QZNWX2600003\"\n[[track]]\nisrc = \"QZNWX2600004\"\n\
             [[party]]\nid = \"bo\"\n[rates.bo]\nstreaming = \"4%\"\n\
             [[release]]\nupc = \"859700000014\"\ntracks = {b_tracks}\nisrcs = [{b_isrc}]\n"
        );
        let files = vec![(PathBuf::from("a.toml"), a), (PathBuf::from("b.toml"), b)];
        load_agreements(&files)
            .1
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn two_agreements_may_share_a_release_when_they_agree_on_it() {
        assert!(two(3, "\"QZNWX2600003\"", "").is_empty());
        let d = two(4, "\"QZNWX2600003\"", "");
        assert!(d.iter().any(|d| d.contains("4 tracks here but 3")), "{d:?}");
        let d = two(
            3,
            "\"QZNWX2600003\", \"QZNWX2600004\", \"QZNWX2600003\"",
            "",
        );
        assert!(!d.is_empty());
        let d = two(3, "\"QZNWX2600003\", \"QZNWX2600004\"", "");
        assert!(d.is_empty(), "1 + 2 tracks of 3: {d:?}");
        // Over dates that do not overlap, each agreement has the release alone.
        let d = two(4, "\"QZNWX2600003\"", "start = 2030-01-01\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_wrong_check_digit_is_a_warning_not_a_refusal() {
        // 859700000011: its other digits give the check digit 4.
        let a = format!("{HEAD}[[release]]\nupc = \"859700000011\"\ntracks = 12\n");
        let (agreements, d) = load_agreements(&[(PathBuf::from("a.toml"), a)]);
        assert_eq!(agreements.len(), 1);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error(), "{:?}", d[0]);
        let text = d[0].to_string();
        assert!(
            text.starts_with("a.toml:")
                && text.contains("check digit is 1")
                && text.contains("give 4"),
            "{text}"
        );
        let (_, d) = load_agreements(&[(
            PathBuf::from("a.toml"),
            format!("{HEAD}[[release]]\nupc = \"859700000014\"\ntracks = 12\n"),
        )]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn too_many_tracks_across_agreements_are_refused() {
        let a = format!("{HEAD}[[release]]\nupc = \"859700000014\"\ntracks = 2\n");
        let b = "id = \"other\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"QZNWX2600003\"\n\
                 [[party]]\nid = \"bo\"\n[rates.bo]\nstreaming = \"4%\"\n\
                 [[release]]\nupc = \"859700000014\"\ntracks = 2\n"
            .to_string();
        let files = vec![(PathBuf::from("a.toml"), a), (PathBuf::from("b.toml"), b)];
        let d: Vec<String> = load_agreements(&files)
            .1
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert!(d.iter().any(|d| d.contains("list 3")), "{d:?}");
    }
}
