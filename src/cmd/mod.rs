//! One module per command (docs/commands.md); this file holds the argument model and
//! the options every command shares.

mod aggregate;
mod check;
mod close;
mod common;
mod completions;
mod credits;
mod dashboard;
mod describe;
mod dispute;
mod explain;
mod flow;
mod formats;
mod init;
mod ledger;
mod reconcile;
mod run;
mod statements;
mod whatif;

pub use common::for_humans;

use clap::{Parser, Subcommand};
use royalty::diag::{Error, Result};

#[derive(Parser, Debug)]
#[command(
    name = "royalty",
    version,
    about = "Producer backend royalties for record labels: exact to the cent, explainable line by line.",
    long_about = None,
    propagate_version = true,
    after_long_help = EXIT_CODES
)]
pub struct Cli {
    /// Print only errors on standard error: no warnings, no notes.
    #[arg(long, global = true)]
    pub quiet: bool,
    /// Treat every warning as an error: exit 1 before anything is written.
    #[arg(long, global = true)]
    pub strict: bool,
    /// Wait up to SECONDS for the ledger lock held by another run (close,
    /// ledger open, dispute open|escalate|resolve) instead of exiting 75 at
    /// once.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_wait)]
    pub wait: Option<u64>,
    #[command(subcommand)]
    pub command: Command,
}

/// The exit codes, in `royalty --help` and the man page (docs/commands.md,
/// "Exit codes", says the same; a test keeps them together).
pub const EXIT_CODES: &str = "Exit codes:
  0   success
  1   the input is wrong: a file named that does not exist, a problem in a file
      (listed with file:line:column), a warning under --strict
  2   usage error: the command line is wrong
  3   refused by the ledger, for good: already closed, out of order, altered,
      a statement consumed before (retrying gives the same answer)
  70  internal error: a self-check failed, a bug in royalty
  74  I/O failure of the environment, naming the path: permission denied,
      disk full, read-only file system, a device error
  75  temporarily busy: the ledger lock is held by another run; try again, or
      pass --wait SECONDS
See docs/commands.md (Exit codes) and docs/scripting.md.";

/// `--wait SECONDS`: a whole number of seconds, up to a day.
fn parse_wait(s: &str) -> std::result::Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n <= 86_400 => Ok(n),
        _ => Err(format!(
            "`{s}`: expected a number of seconds from 0 to 86400"
        )),
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate agreements, statements, fx and events; list every problem with its place.
    #[command(
        long_about = "Validate agreements, statements, exchange rates and events.\n\n\
        Every problem is printed as file:line:column with what was expected; \
        the exit code is 1 if there is any, 0 otherwise. Warnings (an empty \
        statement, say) do not fail the check. With a period (--period or the \
        project's), the period is also computed, so missing exchange rates are found too."
    )]
    Check(check::Args),
    /// Compute the period's payouts; changes nothing.
    #[command(
        long_about = "Compute the period's payouts from agreements, statements and the ledger's \
        latest closed period, and print them (table on a terminal, JSON otherwise) or \
        export them with --format and --output. Nothing is written anywhere else. The \
        conservation checks of docs/arithmetic.md run on every computation: if one fails the run \
        fails (exit 70) and nothing is printed."
    )]
    Run(run::Args),
    /// Compute the period like `run`, then record it in the ledger (once, atomically).
    #[command(
        long_about = "Compute the period exactly as `run` shows it, then record it in the ledger \
        folder as <period>.json (balances carried, advances recouped, reserves held, what was paid, \
        and the SHA-256 of every statement consumed and of the previous period file), and write \
        the payment file. The ledger is locked while closing; a period already closed or earlier \
        than the last closed is refused with exit 3, and so is a ledger file altered by hand."
    )]
    Close(close::Args),
    /// Write the statements' sums as a mergeable CSV (for `run --aggregates`).
    Aggregate(aggregate::Args),
    /// The full trace of one party's payout, or of one track's revenue.
    #[command(
        long_about = "The full trace of one party's payout for the period (--party AGREEMENT/PARTY, \
        or --party PARTY when only one agreement has that party): every earning line (terms, \
        source, base amount in the agreement currency, units, rate, exact earnings), the \
        agreement's currency conversions, the exact total and the cent the largest-remainder \
        rounding gave, then each deduction in the order of docs/arithmetic.md down to the payment and its \
        currency, and the notes. With --track ISRC: the engine's attribution of the track, what \
        each party earned on it per terms (milestone increments included), source and currency, \
        or that its lines are unmatched or out of term. Lines of usage before the period are marked as \
        prior-period corrections, and shares of revenue reported per release as apportioned from it; \
        the party's disputes (held, released, adjusted) have their own steps. \
        Text by default; --format json gives the same as data. \
        An unknown or ambiguous party is a usage error (exit 2)."
    )]
    Explain(explain::Args),
    /// Control totals, conservation, ledger roll-forward, distributor totals, disputes.
    #[command(
        long_about = "Reconcile the period: control totals per statement file, per currency \
        (matched + unmatched + out of term + skipped rows per reason = the file's own total); the conservation checks (per agreement revenue = parties' earned \
        + label retained; per currency statement totals = matched + unmatched + out of term); the \
        ledger roll-forward per party (opening balance + earned - recouped - forfeited - paid - \
        withheld = closing balance, a balance being what is carried, reserved, gated or unvested); \
        differences against the totals a distributor reported (--expect FILE, a CSV \
        file,currency,amount[,lines] where file is the statement's file name; our total is rounded \
        half-to-even to the decimals of the reported one, skipped rows included); and, for agreements with a [dispute] \
        section, the deadline to object (period end + objection_days), judged on --as-of DATE \
        (no clock is read); the dispute register's disputes with their stage, next deadline \
        (overdue first) and what they hold; and release rows without ISRC, apportioned to tracks \
        or not. The roll-forward includes dispute adjustments, and a balance what disputes hold. \
        Exit 1 when a reported total differs. Changes nothing."
    )]
    Reconcile(reconcile::Args),
    /// The attribution sheet: track, ISRC, party, role, hours, deliverables, share.
    #[command(
        long_about = "The attribution sheet: one row per agreement, track and party (agreements in id \
        order, tracks and parties in file order) with the party's name, role, hours invested, \
        deliverables (joined with \"; \") and share: the party's rate per source, e.g. \
        \"streaming 4%, sync 10%\", under the terms in force on the last day of the period (the \
        original terms when no period is given). Reads the agreements only. \
        --format table, csv or json."
    )]
    Credits(credits::Args),
    /// An agreement's terms in plain language, with a worked example.
    #[command(
        long_about = "Describe an agreement in plain language: who is in it and what they did, which \
        tracks, the rates per source (or the pool and how it is split), amendments, advances, the \
        record-one gate, reserves, the payout minimum and withholding, the payout currencies. Then \
        a worked example: sample receipts on the first track for every source the agreement pays \
        on (e.g. 10,000.00 of streaming), computed by the real engine from an empty ledger, shown \
        in the agreement currency. An unknown id is a usage error (exit 2)."
    )]
    Describe(describe::Args),
    /// Create a project folder to start from: royalty.toml, an agreement template, a statement, fx.
    #[command(
        long_about = "Create a project folder to start from in DIR (default: the current folder): \
        royalty.toml, agreements/example.toml (a commented agreement template), \
        statements/example-distributor.csv (a small statement in the canonical format) and fx.csv. \
        The result passes `royalty check` and `royalty run` as it is. Existing files are never \
        overwritten: if any of these exists, nothing is written (exit 2)."
    )]
    Init(init::Args),
    /// One statement per party for the period: Markdown, print-ready HTML or PDF.
    #[command(
        long_about = "Write one statement per party for the period, in Markdown (default), \
        print-ready HTML (--format html: self-contained, fits A4 and Letter) or PDF (--format pdf, \
        A4), all from one document: the label's name and address ([label] in royalty.toml), the \
        statement date (--date, else the period's last day) and the period's dates, the agreement, \
        the payment reference as in the payment file, earnings by source and by track with each \
        rate that applied and what it came from (terms, amendment, milestone increment), \
        conversions with their rates, each step from earned to paid, the advance history, \
        reserves held and when they are released, the milestones, the party's disputes and their \
        outcome, the notes and the objection deadline (docs/commands.md, statements). With --output DIR, one file per party with a \
        payout row, named <agreement>--<party>.md, .html or .pdf; with --party AGREEMENT/PARTY \
        (or PARTY when unambiguous) and no --output, that statement is printed. Changes nothing \
        in the ledger."
    )]
    Statements(statements::Args),
    /// Preview payouts for hypothetical revenue, beside the baseline; never touches the ledger.
    #[command(
        long_about = "Preview the period's payouts with hypothetical revenue added to the statements \
        given (the baseline), side by side per party: earned and payable, baseline, scenario and \
        delta, and the milestones the scenario unlocks. The revenue comes from flags, applied to \
        the first track of each agreement (or of --agreement ID only), in the agreement's \
        currency, dated in the period's first month: --streams 10M (x --stream-rate, default \
        0.004), --downloads N (x --download-rate, default 0.70), --physical N (x \
        --physical-rate, default 10.00), --sync AMOUNT (one use); and/or from a scenario \
        statement file (--scenario FILE, canonical CSV or any known format); and/or on draft \
        agreements (--draft FILE: a draft with an agreement's id replaces it, one with a new id is \
        a deal not signed yet, shown beside nothing). Each party shows earned, recouped, the \
        advance balance after, bonuses, payable and paid; each agreement its revenue and what the \
        label retains. A flag given as FROM..TO/STEP (--streams 0..20M/1M) is swept: one row per \
        point, as a table, CSV, JSON or --format svg, a chart of each party's earnings and the \
        label's share with the milestones and the recoupment point marked. Nothing is written: \
        not the ledger, not a payment file."
    )]
    Whatif(Box<whatif::Args>),
    /// List the statement import profiles, or show one (`formats distrokid`).
    Formats(formats::Args),
    /// Manage the ledger: `ledger open FILE` starts it from opening balances; `ledger verify` checks it.
    Ledger(ledger::Args),
    /// The dispute register: open, escalate, resolve, list.
    #[command(
        long_about = "The dispute register (docs/commands.md, dispute), kept in the ledger folder \
        (disputes.json, hash-chained): `open` records a party's challenge of a closed period's \
        statement, within the agreement's objection window; `escalate` takes it from mediation to \
        arbitration; `resolve` records the outcome, an adjustment paid (or recovered) with the next \
        closed period; `list` shows stage, age and next deadline, overdue ones first. While a \
        dispute is open and the agreement says hold_disputed = true, the amount is held from the \
        party's payments. Dates come from flags, never the clock."
    )]
    Dispute(dispute::Args),
    /// An agreement's waterfall as a flowchart: Mermaid, DOT or a self-contained SVG.
    #[command(
        long_about = "Draw an agreement's waterfall as a flowchart: revenue by source, net receipts \
        and the milestones (thresholds, increments, bonuses), each party's share, then each party's \
        way down to the payment (reserve, vesting, record-one gate, advances and \
        cross-collateralization, milestone bonus, payout minimum, tax, payment) and what the label \
        keeps. With --period, each edge carries that period's figures, computed exactly as `run` \
        computes them. --format mermaid (default on standard output) or dot paste into the usual \
        tools; svg (default for an --output ending in .svg) is self-contained, laid out and drawn \
        by royalty, no Graphviz needed. Changes nothing."
    )]
    Flow(flow::Args),
    /// One self-contained HTML page for the label: revenue, recoupment, milestones, reserves, tracks.
    #[command(
        long_about = "Write one self-contained HTML page for the label (inline SVG charts, no script, \
        nothing fetched: it works offline): revenue per agreement and source over the ledger's closed \
        periods and the period computed now, each advance's recoupment, each milestone's progress \
        (\"1,665,929 streams to go\"), reserves to be released and at which close, the top tracks, \
        unmatched, out-of-term and skipped revenue, and the objection windows of each statement, open \
        or binding on --as-of DATE (default: the period's last day; no clock is read). Changes nothing."
    )]
    Dashboard(dashboard::Args),
    /// Print the shell completion script: bash, zsh, fish or powershell.
    #[command(
        long_about = "Print the completion script of a shell, generated from royalty's own \
        argument model. For example: `royalty completions bash > ~/.local/share/bash-completion/completions/royalty`, \
        `royalty completions zsh > ~/.zfunc/_royalty`, \
        `royalty completions fish > ~/.config/fish/completions/royalty.fish`, \
        `royalty completions powershell >> $PROFILE`."
    )]
    Completions(completions::Args),
    /// Print the man page (roff), or write one page per command with --dir.
    #[command(
        long_about = "Print royalty's man page (roff, for `man -l -`), generated from the argument \
        model; with --dir DIR, write royalty.1 and one page per command (royalty-run.1...) into DIR, \
        e.g. `royalty man --dir ~/.local/share/man/man1`."
    )]
    Man(completions::ManArgs),
}

pub fn dispatch(cli: Cli) -> Result<u8> {
    royalty::fsutil::set_quiet(cli.quiet);
    common::set_global(common::Global {
        strict: cli.strict,
        wait: std::time::Duration::from_secs(cli.wait.unwrap_or(0)),
    });
    match cli.command {
        Command::Check(a) => check::exec(a),
        Command::Run(a) => run::exec(a),
        Command::Close(a) => close::exec(a),
        Command::Ledger(a) => ledger::exec(a),
        Command::Formats(a) => formats::exec(a),
        Command::Aggregate(a) => aggregate::exec(a),
        Command::Explain(a) => explain::exec(a),
        Command::Whatif(a) => whatif::exec(*a),
        Command::Statements(a) => statements::exec(a),
        Command::Init(a) => init::exec(a),
        Command::Describe(a) => describe::exec(a),
        Command::Credits(a) => credits::exec(a),
        Command::Reconcile(a) => reconcile::exec(a),
        Command::Dispute(a) => dispute::exec(a),
        Command::Flow(a) => flow::exec(a),
        Command::Dashboard(a) => dashboard::exec(a),
        Command::Completions(a) => completions::exec(a),
        Command::Man(a) => completions::man(a),
    }
}

pub fn render_error(e: &Error) -> String {
    match e {
        Error::Usage(m) => format!("royalty: usage: {m}"),
        Error::Ledger(m) => format!("royalty: refused: {m}"),
        Error::Busy(m) => format!("royalty: busy: {m}"),
        Error::Io { path, source } => {
            let shown = common::shown(path);
            let what = royalty::diag::io_message(source);
            if royalty::diag::io_exit_code(source) == royalty::diag::exit::IO {
                format!("royalty: I/O error: {}: {what}", shown.display())
            } else {
                format!("{}: {what}", shown.display())
            }
        }
        other => format!("{other}"),
    }
}
