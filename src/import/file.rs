//! One statement file, from bytes to sums: fingerprint, container,
//! encoding, layout, rows. A zip bundle gives one statement per member
//! that is one (named `bundle.zip!member.csv` in every message, with the
//! member's own SHA-256); a workbook stays one statement.

use super::profile::{Kind, Profile};
use super::sink::Sink;
use super::table::FileCtx;
use super::{container, detect, dsr, encoding, table, FileOutcome, HashingReader, ImportOptions};
use crate::diag::{Diagnostic, Error, Result};
use crate::statement::{FileSummary, Revenue, SkipKind};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// Up to this many bytes are looked at to decide container, encoding and layout.
const SNIFF: usize = 64 * 1024;

/// Reads up to `SNIFF` bytes; the bool says whether the input ended.
fn read_prefix(r: &mut dyn Read) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = vec![0u8; SNIFF];
    let mut n = 0;
    while n < SNIFF {
        match r.read(&mut buf[n..]) {
            Ok(0) => {
                buf.truncate(n);
                return Ok((buf, true));
            }
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((buf, false))
}

/// What every statement of one run is read with.
struct Job<'a> {
    opts: &'a ImportOptions,
    all: &'a [Profile],
    forced: Option<&'a Profile>,
    /// Inside a zip bundle: a member no profile fits is not a statement
    /// (listed in a warning), rather than an error.
    in_bundle: bool,
}

/// One statement being read: its outcome so far, and where its lines go.
struct One {
    out: FileOutcome,
    /// The member's own name (for a usage date taken from it).
    file_name: String,
}

impl One {
    fn new(path: PathBuf) -> One {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        One {
            out: FileOutcome {
                summary: FileSummary {
                    path,
                    format: "canonical".into(),
                    ..FileSummary::default()
                },
                ..FileOutcome::default()
            },
            file_name,
        }
    }
}

/// Reads one statement file into `revenue`: one outcome, or one per
/// statement of a zip bundle.
pub fn read_file(
    path: &Path,
    opts: &ImportOptions,
    revenue: &mut Revenue,
) -> Result<Vec<FileOutcome>> {
    let all = super::shared_profiles(opts)?;
    let forced = match &opts.profile {
        Some(name) => Some(super::find_profile(opts, name)?),
        None => None,
    };
    let job = Job {
        opts,
        all,
        forced: forced.as_ref(),
        in_bundle: false,
    };
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let f = super::progress(f, path, opts.progress);
    let mut hashing = HashingReader::new(std::io::BufReader::with_capacity(1 << 16, f));
    let io = |e| Error::io(path, e);
    let (prefix, eof) = read_prefix(&mut hashing).map_err(io)?;
    if container::is_zip(&prefix) {
        // A zip is read whole (its directory is at its end).
        let mut bytes = prefix;
        hashing.read_to_end(&mut bytes).map_err(io)?;
        let sha = hashing.finish();
        if container::is_workbook(&bytes) {
            let mut one = One::new(path.to_path_buf());
            // Outside a bundle an unknown layout is an error in the
            // outcome, never `Err`.
            let _ = workbook(&job, bytes, &mut one, revenue);
            one.out.summary.sha256 = sha;
            return Ok(vec![finish(one.out)]);
        }
        return Ok(bundle(&job, path, &bytes, sha, revenue));
    }
    let mut one = One::new(path.to_path_buf());
    let _ = stream(&job, prefix, eof, &mut hashing, &mut one, revenue);
    // Hash whatever the readers did not consume (e.g. after a fatal error).
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(io)?;
    one.out.summary.sha256 = hashing.finish();
    Ok(vec![finish(one.out)])
}

/// A statement with rows, every one of them skipped, adds nothing: said
/// loudly, since a wrong profile or layout is the likely cause. So does a
/// statement with a header and no row at all (a truncated download), as
/// an empty file does: `statement.empty`, which `--strict` refuses.
fn finish(mut out: FileOutcome) -> FileOutcome {
    let skipped: u64 = out
        .summary
        .skipped
        .iter()
        .filter(|s| s.kind != SkipKind::Totals)
        .map(|s| s.rows)
        .sum();
    let said = out
        .diagnostics
        .iter()
        .any(|d| d.is_error() || d.code == "statement.empty");
    if out.summary.lines == 0 && out.summary.skipped.is_empty() && !said {
        out.diagnostics.push(
            Diagnostic::warning(
                &out.summary.path,
                0,
                0,
                "the statement has a header but no row (a truncated download?): it adds no revenue",
            )
            .with_code("statement.empty"),
        );
    }
    if out.summary.lines == 0 && skipped > 0 {
        out.diagnostics.push(Diagnostic::warning(
            &out.summary.path,
            0,
            0,
            format!(
                "every row of {} was skipped ({skipped} row{}): the file adds no revenue to any track; \
                 check that it is read with the right profile (`{}`) and that its rows carry ISRCs",
                out.summary.path.display(),
                if skipped == 1 { "" } else { "s" },
                out.summary.format
            ),
        ).with_code("statement.all-skipped"));
    }
    if let Some(r) = out.summary.rounding {
        out.diagnostics.push(Diagnostic::warning(
            &out.summary.path,
            0,
            0,
            format!(
                "{} amount{} and {} sum{} had more digits than the 28 a decimal keeps: rounded half-to-even, \
                 moving the file's total by at most {} (far below a cent; docs/formats.md, \"Numbers\")",
                r.cells,
                if r.cells == 1 { "" } else { "s" },
                r.sums,
                if r.sums == 1 { "" } else { "s" },
                r.bound.normalize()
            ),
        ).with_code("statement.rounded"));
    }
    out
}

/// Each member of a zip bundle that is a statement, read as one.
fn bundle(
    job: &Job,
    path: &Path,
    bytes: &[u8],
    sha: String,
    revenue: &mut Revenue,
) -> Vec<FileOutcome> {
    let shown = |m: &str| PathBuf::from(format!("{}!{m}", path.display()));
    let members = match container::bundle_members(bytes) {
        Ok(m) => m,
        Err(msg) => return vec![failed(path, sha, msg)],
    };
    let inner = Job {
        in_bundle: true,
        ..*job
    };
    let mut outs = Vec::new();
    let mut not_read: Vec<(String, String)> = Vec::new();
    for m in &members {
        let data = match container::bundle_member(bytes, m) {
            Ok(d) => d,
            Err(msg) => {
                outs.push(failed(&shown(m), String::new(), msg));
                continue;
            }
        };
        let mut one = One::new(shown(m));
        one.file_name = m.rsplit('/').next().unwrap_or(m).to_string();
        let member_sha = super::hex(&sha2::Digest::finalize(
            <sha2::Sha256 as sha2::Digest>::new_with_prefix(&data),
        ));
        let read = if container::is_zip(&data) && container::is_workbook(&data) {
            workbook(&inner, data, &mut one, revenue)
        } else {
            let mut rest = Cursor::new(data);
            let (prefix, eof) = read_prefix(&mut rest).unwrap_or_default();
            stream(&inner, prefix, eof, &mut rest, &mut one, revenue)
        };
        match read {
            Ok(()) => {
                one.out.summary.sha256 = member_sha;
                outs.push(finish(one.out));
            }
            Err(why) => not_read.push((m.clone(), why)),
        }
    }
    if outs.is_empty() {
        let listed: Vec<&str> = members.iter().map(String::as_str).collect();
        let mut msg = format!(
            "a zip with no statement inside: its members are {}",
            if listed.is_empty() {
                "none".to_string()
            } else {
                listed.join(", ")
            }
        );
        if let Some((m, why)) = not_read.first() {
            msg.push_str(&format!(" (`{m}`: {why})"));
        }
        return vec![failed(path, sha, msg)];
    }
    for (m, why) in not_read {
        outs[0].diagnostics.push(
            Diagnostic::warning(
                &shown(&m),
                0,
                0,
                format!("not read: no statement layout fits this member of the bundle ({why})"),
            )
            .with_code("statement.not-read"),
        );
    }
    outs
}

/// An outcome that is only an error about the whole file.
fn failed(path: &Path, sha: String, msg: String) -> FileOutcome {
    let mut one = One::new(path.to_path_buf());
    one.out.summary.sha256 = sha;
    one.out
        .diagnostics
        .push(Diagnostic::error(path, 0, 0, msg).with_code("statement.unreadable"));
    one.out
}

/// A text statement (plain, or gzip): decoded, its layout picked, read.
/// `Err` only in a bundle, for a member no profile fits.
fn stream(
    job: &Job,
    raw_prefix: Vec<u8>,
    raw_eof: bool,
    rest: &mut dyn Read,
    one: &mut One,
    revenue: &mut Revenue,
) -> std::result::Result<(), String> {
    let path = one.out.summary.path.clone();
    let raw: Box<dyn Read + '_> = Box::new(Cursor::new(raw_prefix.clone()).chain(rest));
    let (mut text_in, (prefix_src, src_eof)) = if container::is_gzip(&raw_prefix) {
        let mut gz: Box<dyn Read + '_> = Box::new(flate2::read::MultiGzDecoder::new(raw));
        let (p, eof) = match read_prefix(&mut gz) {
            Ok(x) => x,
            Err(e) => {
                let msg = format!("not a readable gzip file: {e}");
                one.out
                    .diagnostics
                    .push(Diagnostic::error(&path, 0, 0, msg).with_code("statement.unreadable"));
                return Ok(());
            }
        };
        one.out.encoding.push_str("gzip, ");
        (
            Box::new(Cursor::new(p.clone()).chain(gz)) as Box<dyn Read + '_>,
            (p, eof),
        )
    } else {
        (raw, (raw_prefix, raw_eof))
    };
    let enc = match encoding::sniff(&prefix_src, src_eof) {
        Ok(enc) => enc,
        Err(msg) => {
            one.out
                .diagnostics
                .push(Diagnostic::error(&path, 0, 0, msg).with_code("statement.unreadable"));
            return Ok(());
        }
    };
    one.out.encoding.push_str(enc.name());
    let mut text = encoding::decode(enc, &mut text_in);
    let prefix = match read_prefix(&mut text) {
        Ok((p, _)) => p,
        Err(e) => {
            let msg = format!("cannot decode the file as {}: {e}", enc.name());
            one.out
                .diagnostics
                .push(Diagnostic::error(&path, 0, 0, msg).with_code("statement.unreadable"));
            return Ok(());
        }
    };
    let chosen = match job.forced {
        Some(p) => p,
        None => match detect::choose_text(&prefix, job.all) {
            detect::Choice::Profile(i) => &job.all[i],
            detect::Choice::Unknown(msg) if job.in_bundle => return Err(msg),
            detect::Choice::Unknown(msg) => {
                one.out.diagnostics.push(
                    Diagnostic::error(&path, 1, 1, msg).with_code("statement.unknown-layout"),
                );
                return Ok(());
            }
        },
    };
    one.out.summary.format = chosen.name.clone();
    let input = Cursor::new(prefix).chain(text);
    let diags = with_sink(job, one, revenue, |sink, file| match chosen.kind {
        Kind::DdexDsr => dsr::read(chosen, input, file.path, sink),
        Kind::Table => table::read_text(chosen, input, file, sink),
    });
    one.out.diagnostics.extend(diags);
    Ok(())
}

/// Runs a reader with a sink over this statement's outcome.
fn with_sink(
    job: &Job,
    one: &mut One,
    revenue: &mut Revenue,
    read: impl FnOnce(&mut Sink, &FileCtx) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let path = one.out.summary.path.clone();
    let file = FileCtx {
        path: &path,
        file_name: &one.file_name,
    };
    let mut sink = Sink {
        revenue,
        summary: &mut one.out.summary,
        matching: job.opts.matching.as_ref(),
        unmatched: &mut one.out.unmatched,
        skipped_rows: &mut one.out.skipped_rows,
        threads: job.opts.threads,
        period_end: job.opts.period_end,
    };
    read(&mut sink, &file)
}

/// A workbook: its sheet's rows through the layout they fit.
fn workbook(
    job: &Job,
    bytes: Vec<u8>,
    one: &mut One,
    revenue: &mut Revenue,
) -> std::result::Result<(), String> {
    let path = one.out.summary.path.clone();
    one.out.encoding = "xlsx".into();
    let rows = match container::sheet_rows(bytes, job.opts.sheet.as_deref()) {
        Ok(r) => r,
        Err(msg) => {
            one.out
                .diagnostics
                .push(Diagnostic::error(&path, 0, 0, msg).with_code("statement.unreadable"));
            return Ok(());
        }
    };
    if !rows
        .iter()
        .any(|(_, c)| c.iter().any(|x| !x.trim().is_empty()))
    {
        one.out.diagnostics.push(
            Diagnostic::warning(&path, 0, 0, "the sheet is empty: it adds no revenue")
                .with_code("statement.empty"),
        );
        return Ok(());
    }
    let chosen = match job.forced {
        Some(p) => p,
        None => match detect::choose_cells(&rows, job.all) {
            detect::Choice::Profile(i) => &job.all[i],
            detect::Choice::Unknown(msg) if job.in_bundle => return Err(msg),
            detect::Choice::Unknown(msg) => {
                one.out.diagnostics.push(
                    Diagnostic::error(&path, 1, 1, msg).with_code("statement.unknown-layout"),
                );
                return Ok(());
            }
        },
    };
    one.out.summary.format = chosen.name.clone();
    if chosen.kind != Kind::Table {
        let msg = format!("profile `{}` reads text files only", chosen.name);
        one.out
            .diagnostics
            .push(Diagnostic::error(&path, 0, 0, msg));
        return Ok(());
    }
    let diags = with_sink(job, one, revenue, |sink, file| {
        table::read_sheet(chosen, rows, file, sink)
    });
    one.out.diagnostics.extend(diags);
    Ok(())
}
