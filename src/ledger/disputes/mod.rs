//! The dispute register (docs/ledger.md, "The dispute register"): every
//! dispute a party raises against a closed period's statement, as an
//! append-only list of events (opened, escalated, resolved), each carrying
//! the SHA-256 of the one before it, like the closed periods' files.
//!
//! Pure: this module is the register's model (events, their chain, and the
//! disputes they add up to); `file` reads and writes it in the ledger
//! folder. Which events a computation sees is decided by the closes: a
//! closed period records how many events it applied (`Anchor`), so a
//! re-run of it sees exactly those, and an open period sees them all. The
//! money a dispute holds or pays is the engine's (`engine::disputes`).

pub mod file;

use crate::codes::Currency;
use crate::money::Money;
use crate::period::Period;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "royalty-disputes/1";

/// A dispute's stage: mediation first, then arbitration (docs/commands.md,
/// `dispute`); resolved is the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Mediation,
    Arbitration,
    Resolved,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Mediation => "mediation",
            Stage::Arbitration => "arbitration",
            Stage::Resolved => "resolved",
        }
    }
}

/// What an event records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum What {
    /// A party challenges a closed period's statement for `amount`.
    Open {
        agreement: String,
        party: String,
        period: String,
        amount: Money,
        currency: Currency,
        reason: String,
        /// The agreement's procedure as it stood (so a later edit of the
        /// agreement does not move a running dispute's deadlines).
        hold: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline: Option<String>,
    },
    /// To the next stage, with its deadline and who decides.
    Escalate {
        stage: Stage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deadline: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        forced: bool,
    },
    /// The outcome: `adjustment` paid to the party (negative: recovered
    /// from it) with the next payment.
    Resolve {
        adjustment: Money,
        note: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        forced: bool,
    },
}

/// An event without its own hash: what the hash is computed over.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// 1-based position in the register.
    pub seq: u64,
    pub dispute: String,
    /// The event's date (given on the command line, never the clock).
    pub date: String,
    #[serde(flatten)]
    pub what: What,
    /// SHA-256 of the event before (none for the first).
    pub previous: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(flatten)]
    pub body: Body,
    pub sha256: String,
}

impl Body {
    /// The hash of the event: SHA-256 of its compact JSON, fields in order.
    pub fn hash(&self) -> String {
        super::store::sha256(
            serde_json::to_string(self)
                .expect("plain data serialises")
                .as_bytes(),
        )
    }
}

/// What a closed period applied of the register: its first `events`, the
/// last of which has `sha256` (recorded in the period file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub events: u64,
    pub sha256: String,
}

/// The register: every event, in the order recorded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Register {
    pub events: Vec<Event>,
}

/// The outcome of a resolved dispute.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub date: Date,
    pub adjustment: Money,
    pub note: String,
    pub forced: bool,
    /// Its event's position: the closes after it pay it.
    pub seq: u64,
}

/// One dispute as its events add up, in a view of the register.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispute {
    pub id: String,
    pub agreement: String,
    pub party: String,
    pub period: Period,
    pub amount: Money,
    pub currency: Currency,
    pub reason: String,
    pub opened: Date,
    /// Hold the disputed amount (the agreement's `hold_disputed` at opening).
    pub hold: bool,
    pub stage: Stage,
    /// When the current stage began.
    pub since: Date,
    /// The current stage's deadline (mediation's end, the arbitration's
    /// decision), when the agreement states one.
    pub deadline: Option<Date>,
    /// Who decides at arbitration.
    pub before: Option<String>,
    pub resolution: Option<Resolution>,
    /// The date of its latest event.
    pub last: Date,
}

impl Dispute {
    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }
    /// Whole days from opening to `on` (0 before it).
    pub fn age(&self, on: Date) -> i64 {
        days_between(self.opened, on).max(0)
    }
    /// The stage's deadline has passed on `on` and the dispute is open.
    pub fn overdue(&self, on: Date) -> bool {
        self.is_open() && self.deadline.is_some_and(|d| on > d)
    }
}

pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).get_days() as i64
}

/// `date + days`, saturating at the calendar's end.
pub fn add_days(date: Date, days: u32) -> Date {
    date.checked_add(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(Date::MAX)
}

/// Why the register cannot be read: the chain is broken, or an event does
/// not say what it should.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Broken(pub String);

fn date(s: &str, seq: u64) -> Result<Date, Broken> {
    s.parse()
        .map_err(|_| Broken(format!("event {seq}: `{s}` is not a date")))
}

impl Register {
    /// The register's head: how many events, and the last one's hash.
    pub fn anchor(&self) -> Anchor {
        Anchor {
            events: self.events.len() as u64,
            sha256: self
                .events
                .last()
                .map(|e| e.sha256.clone())
                .unwrap_or_default(),
        }
    }

    /// Checks every event's hash, position and link to the one before.
    pub fn verify(&self) -> Result<(), Broken> {
        let mut previous: Option<&str> = None;
        for (i, e) in self.events.iter().enumerate() {
            let seq = i as u64 + 1;
            if e.body.seq != seq {
                return Err(Broken(format!(
                    "event {seq} says it is event {}: events were removed, added or reordered by hand",
                    e.body.seq
                )));
            }
            if e.body.previous.as_deref() != previous {
                return Err(Broken(format!(
                    "event {seq} does not follow event {}: an event was altered, removed or added by hand",
                    seq - 1
                )));
            }
            if e.body.hash() != e.sha256 {
                return Err(Broken(format!(
                    "event {seq} ({} of {}) was altered since it was recorded (its SHA-256 does not match its content)",
                    kind(&e.body.what),
                    e.body.dispute
                )));
            }
            previous = Some(&e.sha256);
        }
        self.disputes(self.events.len()).map(|_| ())
    }

    /// Does the register still hold what a closed period applied?
    pub fn holds(&self, a: &Anchor) -> bool {
        match a.events.checked_sub(1) {
            None => true,
            Some(i) => self
                .events
                .get(i as usize)
                .is_some_and(|e| e.sha256 == a.sha256),
        }
    }

    /// The next dispute id: `D1`, `D2`... (never reused).
    pub fn next_id(&self) -> String {
        let n = self
            .events
            .iter()
            .filter(|e| matches!(e.body.what, What::Open { .. }))
            .count();
        format!("D{}", n + 1)
    }

    /// Appends an event, chained to the last; returns it.
    pub fn push(&mut self, dispute: &str, date: Date, what: What) -> &Event {
        let body = Body {
            seq: self.events.len() as u64 + 1,
            dispute: dispute.to_string(),
            date: date.to_string(),
            what,
            previous: self.events.last().map(|e| e.sha256.clone()),
        };
        let sha256 = body.hash();
        self.events.push(Event { body, sha256 });
        self.events.last().expect("just pushed")
    }

    /// The disputes the first `upto` events add up to, in id order.
    pub fn disputes(&self, upto: usize) -> Result<Vec<Dispute>, Broken> {
        let mut out: Vec<Dispute> = Vec::new();
        for e in self.events.iter().take(upto) {
            let b = &e.body;
            let on = date(&b.date, b.seq)?;
            if let What::Open {
                agreement,
                party,
                period,
                amount,
                currency,
                reason,
                hold,
                deadline,
            } = &b.what
            {
                if out.iter().any(|d| d.id == b.dispute) {
                    return Err(Broken(format!(
                        "event {}: {} is opened twice",
                        b.seq, b.dispute
                    )));
                }
                out.push(Dispute {
                    id: b.dispute.clone(),
                    agreement: agreement.clone(),
                    party: party.clone(),
                    period: Period::parse(period).ok_or_else(|| {
                        Broken(format!("event {}: `{period}` is not a period", b.seq))
                    })?,
                    amount: *amount,
                    currency: *currency,
                    reason: reason.clone(),
                    opened: on,
                    hold: *hold,
                    stage: Stage::Mediation,
                    since: on,
                    deadline: deadline.as_deref().map(|d| date(d, b.seq)).transpose()?,
                    before: None,
                    resolution: None,
                    last: on,
                });
                continue;
            }
            let d = out.iter_mut().find(|d| d.id == b.dispute).ok_or_else(|| {
                Broken(format!("event {}: {} was never opened", b.seq, b.dispute))
            })?;
            if !d.is_open() {
                return Err(Broken(format!(
                    "event {}: {} was already resolved",
                    b.seq, b.dispute
                )));
            }
            d.last = on;
            match &b.what {
                What::Open { .. } => unreachable!("handled above"),
                What::Escalate {
                    stage,
                    before,
                    deadline,
                    ..
                } => {
                    d.stage = *stage;
                    d.since = on;
                    d.before = before.clone();
                    d.deadline = deadline.as_deref().map(|x| date(x, b.seq)).transpose()?;
                }
                What::Resolve {
                    adjustment,
                    note,
                    forced,
                } => {
                    d.stage = Stage::Resolved;
                    d.since = on;
                    d.deadline = None;
                    d.resolution = Some(Resolution {
                        date: on,
                        adjustment: *adjustment,
                        note: note.clone(),
                        forced: *forced,
                        seq: b.seq,
                    });
                }
            }
        }
        out.sort_by_key(|d| id_number(&d.id));
        Ok(out)
    }
}

/// `D12` -> 12, so D10 sorts after D9.
pub fn id_number(id: &str) -> u64 {
    id.strip_prefix('D')
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

fn kind(w: &What) -> &'static str {
    match w {
        What::Open { .. } => "the opening",
        What::Escalate { .. } => "an escalation",
        What::Resolve { .. } => "the resolution",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;
    use jiff::civil::date;

    fn open(r: &mut Register, on: Date) -> String {
        let id = r.next_id();
        r.push(
            &id,
            on,
            What::Open {
                agreement: "midnight-drive".into(),
                party: "ava".into(),
                period: "2026-Q1".into(),
                amount: Money(dec("250.00")),
                currency: Currency::parse("USD").unwrap(),
                reason: "streams under-reported".into(),
                hold: true,
                deadline: Some(add_days(on, 60).to_string()),
            },
        );
        id
    }

    #[test]
    fn events_add_up_to_disputes_with_their_stage() {
        let mut r = Register::default();
        let d1 = open(&mut r, date(2026, 4, 20));
        let d2 = open(&mut r, date(2026, 4, 21));
        assert_eq!((d1.as_str(), d2.as_str()), ("D1", "D2"));
        r.push(
            "D1",
            date(2026, 6, 20),
            What::Escalate {
                stage: Stage::Arbitration,
                before: Some("an auditor".into()),
                deadline: Some("2026-08-04".into()),
                forced: false,
            },
        );
        r.push(
            "D2",
            date(2026, 7, 1),
            What::Resolve {
                adjustment: Money(dec("-10.00")),
                note: "withdrawn".into(),
                forced: false,
            },
        );
        r.verify().unwrap();
        let all = r.disputes(r.events.len()).unwrap();
        assert_eq!(all[0].stage, Stage::Arbitration);
        assert_eq!(all[0].deadline, Some(date(2026, 8, 4)));
        assert!(all[0].overdue(date(2026, 8, 5)));
        assert!(!all[0].overdue(date(2026, 8, 4)));
        assert_eq!(all[0].age(date(2026, 4, 30)), 10);
        assert_eq!(all[1].stage, Stage::Resolved);
        assert!(!all[1].overdue(date(2030, 1, 1)));
        // A view of the first two events: both open, in mediation.
        let early = r.disputes(2).unwrap();
        assert!(early
            .iter()
            .all(|d| d.is_open() && d.stage == Stage::Mediation));
        assert_eq!(r.anchor().events, 4);
        assert!(r.holds(&r.anchor()));
    }

    #[test]
    fn an_edited_event_breaks_the_chain() {
        let mut r = Register::default();
        open(&mut r, date(2026, 4, 20));
        open(&mut r, date(2026, 4, 21));
        let anchor = r.anchor();
        let mut edited = r.clone();
        if let What::Open { amount, .. } = &mut edited.events[0].body.what {
            *amount = Money(dec("2500.00"));
        }
        assert!(edited.verify().unwrap_err().0.contains("event 1"));
        let mut cut = r.clone();
        cut.events.remove(0);
        assert!(cut.verify().is_err());
        let mut short = r.clone();
        short.events.pop();
        short.verify().unwrap();
        assert!(
            !short.holds(&anchor),
            "a closed period's events are missing"
        );
    }
}
