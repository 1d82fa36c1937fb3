//! `royalty dispute`: the dispute register (docs/commands.md, `dispute`).
//! `open`, `escalate` and `resolve` append one event to the register under
//! the ledger's lock, after every check has passed (a refused command
//! leaves the register's bytes as they were); `list` only reads. Dates come
//! from flags or the disputed period, never from the clock.
//!
//! Exit codes: 2 for names that do not exist (party, period, dispute id) or
//! malformed flags; 1 when the register refuses what is asked (too late to
//! object, escalating past arbitration, resolving twice, an adjustment above
//! the claim without --force); 3 when the ledger or register was altered.

use super::common::{ledger_dir, load_agreements, Common, OutputArgs};
use royalty::agreement::Agreement;
use royalty::diag::{Diagnostic, Error, Result};
use royalty::ledger::disputes::{add_days, file, Dispute, Register, Stage, What};
use royalty::ledger::store;
use royalty::money::Money;
use royalty::report::{disputes as report, Format};
use std::path::Path;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Record a party's challenge of a closed period's statement.
    #[command(
        long_about = "Record a party's challenge of a closed period's statement: who (--party \
        AGREEMENT/PARTY, or PARTY when unambiguous), which closed period (--period), the amount in \
        question (--amount, in the agreement currency) and why (--reason). --date is the day the \
        challenge was received (default: the statement date, the period's last day). Refused (exit 1) \
        after the agreement's objection window ([dispute] objection_days after the statement date), \
        saying when it closed. The dispute starts in mediation, with the agreement's mediation_days \
        as its deadline. With hold_disputed = true, the next payments hold the amount (up to what \
        is payable) until it is resolved. Prints the new dispute's id (D1, D2...) first."
    )]
    Open {
        /// The party: AGREEMENT/PARTY, or PARTY when only one agreement has it.
        #[arg(long, value_name = "AGREEMENT/PARTY")]
        party: String,
        /// The amount in question, in the agreement currency (e.g. 250.00).
        #[arg(long, value_name = "X", value_parser = parse_claim)]
        amount: Money,
        /// Why the statement is challenged.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// The day the challenge was received (default: the statement date).
        #[arg(long, value_name = "DATE")]
        date: Option<jiff::civil::Date>,
        #[command(flatten)]
        common: Common,
    },
    /// Take a dispute to its next stage: from mediation to arbitration.
    #[command(
        long_about = "Take a dispute from mediation to arbitration, on --date (required: no clock \
        is read), before the agreement's arbitration body or expert, with its arbitration_days as \
        the new deadline. Refused (exit 1) before mediation_days have run (unless --force: both \
        sides agreed to go to arbitration early), for a dispute already at arbitration or resolved, \
        or with a date before the dispute's last event."
    )]
    Escalate {
        /// The dispute's id (D1).
        id: String,
        /// The day it goes to arbitration.
        #[arg(long, value_name = "DATE")]
        date: jiff::civil::Date,
        /// Go to arbitration before mediation has run its course.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Record a dispute's outcome: the adjustment paid (or recovered) with the next payment.
    #[command(
        long_about = "Record a dispute's outcome on --date (required): --adjustment X is paid to \
        the party with the next closed period (negative: recovered from it, carried as a deficit \
        when nothing is payable), and what was held for the dispute is released then, once. \
        --note says what was agreed or decided. An adjustment above the amount claimed is refused \
        (exit 1) unless --force; so are resolving a dispute twice and a date before its last event."
    )]
    Resolve {
        /// The dispute's id (D1).
        id: String,
        /// The agreed adjustment, agreement currency; negative: recovered.
        #[arg(long, value_name = "X", value_parser = parse_adjustment, allow_hyphen_values = true)]
        adjustment: Money,
        /// What was agreed or decided.
        #[arg(long, value_name = "TEXT")]
        note: String,
        /// The day it was resolved.
        #[arg(long, value_name = "DATE")]
        date: jiff::civil::Date,
        /// Accept an adjustment above the amount claimed.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        common: Common,
    },
    /// The register: stage, age, next deadline, overdue ones first.
    #[command(
        long_about = "List the register's disputes: stage, age, next deadline, what is held, the \
        outcome; overdue ones first (most overdue first), then open ones by next deadline, then \
        resolved ones. Judged on --as-of DATE (default: the register's latest date; no clock is \
        read). --format table, csv or json."
    )]
    List {
        /// The day ages and deadlines are judged on.
        #[arg(long, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        common: Common,
    },
}

/// The most an amount may be (docs: every number has a range).
const MAX: i64 = 1_000_000_000_000_000;

fn parse_money(s: &str) -> std::result::Result<Money, String> {
    let d = royalty::money::parse_decimal(s)
        .ok_or_else(|| format!("`{s}` is not an amount such as 250.00"))?;
    if d.normalize().scale() > 2 {
        return Err(format!(
            "`{s}` has more than two decimals: an amount is in cents"
        ));
    }
    if d.abs() >= rust_decimal::Decimal::from(MAX) {
        return Err(format!("`{s}` is out of range (at most 10^15)"));
    }
    Ok(Money(royalty::money::round_cents(d)))
}

fn parse_claim(s: &str) -> std::result::Result<Money, String> {
    let m = parse_money(s)?;
    if !m.is_positive() {
        return Err(format!(
            "`{s}`: the amount in question must be more than zero"
        ));
    }
    Ok(m)
}

fn parse_adjustment(s: &str) -> std::result::Result<Money, String> {
    parse_money(s)
}

pub fn exec(a: Args) -> Result<u8> {
    match a.action {
        Action::Open {
            party,
            amount,
            reason,
            date,
            common,
        } => open(&common, &party, amount, &reason, date),
        Action::Escalate {
            id,
            date,
            force,
            common,
        } => escalate(&common, &id, date, force),
        Action::Resolve {
            id,
            adjustment,
            note,
            date,
            force,
            common,
        } => resolve(&common, &id, adjustment, &note, date, force),
        Action::List { as_of, out, common } => list(&common, as_of, &out),
    }
}

/// The register refuses: exit 1, naming the file the reason is in.
fn refuse(file: &Path, msg: String) -> Error {
    Error::Input(vec![
        Diagnostic::error(file, 0, 0, msg).with_code("dispute.invalid")
    ])
}

fn text(what: &str, s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Error::Usage(format!("--{what} is empty: say it in words")));
    }
    Ok(t.to_string())
}

/// Reads the ledger and its register under the lock, runs `change` on the
/// register and writes it only when `change` succeeds.
fn under_lock(
    common: &Common,
    change: impl FnOnce(&store::Ledger, &mut Register) -> Result<String>,
) -> Result<u8> {
    let settings = common.settings()?;
    let dir = ledger_dir(&settings);
    let _lock = super::common::lock_ledger(&dir)?;
    let ledger = store::read(&dir)?;
    let mut register = file::read(&dir)?;
    file::check_anchors(&ledger, &register)?;
    let said = change(&ledger, &mut register)?;
    file::write(&dir, &register)?;
    royalty::fsutil::write_stdout(format!("{said}\n"))?;
    Ok(0)
}

fn find<'a>(all: &'a [Dispute], id: &str) -> Result<&'a Dispute> {
    all.iter().find(|d| d.id == id).ok_or_else(|| {
        let ids: Vec<&str> = all.iter().map(|d| d.id.as_str()).collect();
        Error::Usage(format!(
            "no dispute `{id}` in the register; {}",
            if ids.is_empty() {
                "it is empty".to_string()
            } else {
                format!("the disputes are: {}", ids.join(", "))
            }
        ))
    })
}

fn agreement<'a>(agreements: &'a [Agreement], d: &Dispute) -> Result<&'a Agreement> {
    agreements
        .iter()
        .find(|a| a.id == d.agreement)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{} concerns agreement `{}`, which is not among the agreements given",
                d.id, d.agreement
            ))
        })
}

fn open(
    common: &Common,
    party: &str,
    amount: Money,
    reason: &str,
    date: Option<jiff::civil::Date>,
) -> Result<u8> {
    let period = common.period.ok_or_else(|| {
        Error::Usage("give --period P: the closed period whose statement is disputed".into())
    })?;
    let reason = text("reason", reason)?;
    let (_, agreements) = load_agreements(common)?;
    let (ai, pi) = royalty::report::explain::resolve_party(&agreements, party)?;
    let a = &agreements[ai];
    under_lock(common, |ledger, register| {
        if ledger.closed(period).is_none() {
            let closed: Vec<&str> = ledger
                .entries
                .iter()
                .filter(|e| !e.is_opening())
                .map(|e| e.record.period.as_str())
                .collect();
            return Err(Error::Usage(format!(
                "{period} is not a closed period: only a statement that was sent can be disputed; closed periods: {}",
                if closed.is_empty() { "none".to_string() } else { closed.join(", ") }
            )));
        }
        let statement = period.last_day();
        let on = date.unwrap_or(statement);
        if on < statement {
            return Err(refuse(
                &file::path(&ledger.dir),
                format!("{on} is before the statement of {period} (dated {statement}): it cannot be disputed before it exists"),
            ));
        }
        if let Some(n) = a.objection_days {
            let closes = add_days(statement, n);
            if on > closes {
                return Err(refuse(
                    &a.file,
                    format!(
                        "the objection window for {period} closed on {closes} ({n} days after the statement dated {statement}); \
                         a challenge received on {on} is too late: the statement is binding"
                    ),
                ));
            }
        }
        let clause = a.dispute.clone().unwrap_or_default();
        let deadline = clause.mediation_days.map(|n| add_days(on, n));
        let id = register.next_id();
        register.push(
            &id,
            on,
            What::Open {
                agreement: a.id.clone(),
                party: a.parties[pi].id.clone(),
                period: period.to_string(),
                amount,
                currency: a.currency,
                reason,
                hold: clause.hold_disputed,
                deadline: deadline.map(|d| d.to_string()),
            },
        );
        Ok(format!(
            "{id} opened on {on}: {}/{} disputes {period} for {amount} {}; mediation {}{}",
            a.id,
            a.parties[pi].id,
            a.currency,
            deadline
                .map(|d| format!("until {d}"))
                .unwrap_or_else(|| "(no deadline stated)".into()),
            if clause.hold_disputed {
                "; the amount is held from the next payments"
            } else {
                ""
            }
        ))
    })
}

/// The dispute named, open, and a date not before its last event.
fn open_dispute(
    ledger: &store::Ledger,
    register: &Register,
    id: &str,
    on: jiff::civil::Date,
) -> Result<Dispute> {
    let all = register
        .disputes(register.events.len())
        .map_err(|e| Error::Ledger(e.to_string()))?;
    let d = find(&all, id)?.clone();
    let path = file::path(&ledger.dir);
    if let Some(r) = &d.resolution {
        return Err(refuse(
            &path,
            format!(
                "{id} was resolved on {} ({}): a resolved dispute is closed",
                r.date, r.note
            ),
        ));
    }
    if on < d.last {
        return Err(refuse(
            &path,
            format!(
                "{on} is before {id}'s last event ({}): the register runs forward",
                d.last
            ),
        ));
    }
    Ok(d)
}

fn escalate(common: &Common, id: &str, on: jiff::civil::Date, force: bool) -> Result<u8> {
    let (_, agreements) = load_agreements(common)?;
    under_lock(common, |ledger, register| {
        let d = open_dispute(ledger, register, id, on)?;
        let path = file::path(&ledger.dir);
        if d.stage != Stage::Mediation {
            return Err(refuse(
                &path,
                format!(
                    "{id} is already at arbitration, the last stage: resolve it with the decision"
                ),
            ));
        }
        if let Some(until) = d.deadline.filter(|u| on < *u && !force) {
            return Err(refuse(
                &path,
                format!(
                    "{id} is in mediation until {until}: it may go to arbitration from then on \
                     (give --force if both sides agree to go earlier)"
                ),
            ));
        }
        let a = agreement(&agreements, &d)?;
        let clause = a.dispute.clone().unwrap_or_default();
        let deadline = clause.arbitration_days.map(|n| add_days(on, n));
        register.push(
            id,
            on,
            What::Escalate {
                stage: Stage::Arbitration,
                before: clause.arbitration.clone(),
                deadline: deadline.map(|x| x.to_string()),
                forced: force && d.deadline.is_some_and(|u| on < u),
            },
        );
        Ok(format!(
            "{id} goes to arbitration on {on}{}; {}",
            clause
                .arbitration
                .map(|b| format!(" before {b}"))
                .unwrap_or_default(),
            deadline
                .map(|x| format!("a decision is due by {x}"))
                .unwrap_or_else(|| "the agreement states no deadline for the decision".into())
        ))
    })
}

fn resolve(
    common: &Common,
    id: &str,
    adjustment: Money,
    note: &str,
    on: jiff::civil::Date,
    force: bool,
) -> Result<u8> {
    let note = text("note", note)?;
    under_lock(common, |ledger, register| {
        let d = open_dispute(ledger, register, id, on)?;
        if adjustment > d.amount && !force {
            return Err(refuse(
                &file::path(&ledger.dir),
                format!(
                    "the adjustment {adjustment} pays more than the {} {} claimed in {id}; give --force if that is what was agreed",
                    d.amount, d.currency
                ),
            ));
        }
        register.push(
            id,
            on,
            What::Resolve {
                adjustment,
                note,
                forced: force && adjustment > d.amount,
            },
        );
        let what = match adjustment {
            x if x.is_positive() => format!("{x} {} is paid to {}", d.currency, d.party),
            x if x.is_negative() => format!("{} {} is recovered from {}", -x, d.currency, d.party),
            _ => "no adjustment".to_string(),
        };
        Ok(format!(
            "{id} resolved on {on}: {what} with the next closed period, and what is held for it is released then"
        ))
    })
}

fn list(common: &Common, as_of: Option<jiff::civil::Date>, out: &OutputArgs) -> Result<u8> {
    out.check(common, &[])?;
    let settings = common.settings()?;
    let ledger = store::read(&ledger_dir(&settings))?;
    let register = file::read(&ledger.dir)?;
    file::check_anchors(&ledger, &register)?;
    let all = register
        .disputes(register.events.len())
        .map_err(|e| Error::Ledger(e.to_string()))?;
    let latest = all.iter().map(|d| d.last).max();
    let (on, why) = match (as_of, latest) {
        (Some(d), _) => (Some(d), "given with --as-of"),
        (None, Some(d)) => (
            Some(d),
            "the register's latest date; give --as-of for another day",
        ),
        (None, None) => (None, "the register is empty"),
    };
    let state = ledger
        .last()
        .map(|e| e.record.state.clone())
        .unwrap_or_default();
    let rows = report::list(&all, &state, on.unwrap_or(jiff::civil::Date::MIN));
    let text = match out.format() {
        Format::Json => report::list_json(&rows, on),
        Format::Csv => report::list_csv(&rows),
        Format::Table => report::list_table(&rows, on, why),
    };
    out.emit(&text)?;
    Ok(0)
}
