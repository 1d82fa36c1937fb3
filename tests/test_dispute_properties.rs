//! Property tests of the money a dispute moves (docs/arithmetic.md, steps
//! 8b and 9b), through the library: for random earnings over four periods
//! (returns included), a random claim, adjustment (a recovery too),
//! payout minimum and hold clause, and a resolution recorded after the
//! first or the second period with the dispute open:
//! - every period computes, so the engine's own invariants hold (the row
//!   identity with `held` and `adjusted`, the roll-forward, each dispute's
//!   hold within its claim);
//! - the adjustment is paid exactly once: the periods' `adjusted` add up to
//!   it, and the period after the one that settled it adds nothing;
//! - what is held never exceeds the claim, is released in full with the
//!   resolution, and nothing is held without the clause; with it, nothing
//!   is paid while less than the whole claim is held;
//! - nothing is ever paid negative, and the label's `adjusted` on the
//!   agreement row is the party's (the adjustment is beyond the split).

use proptest::prelude::*;
use royalty::agreement::load_agreement_str;
use royalty::codes::{Currency, Isrc, Source, Territory};
use royalty::engine::{compute, Input, PeriodResult};
use royalty::ledger::disputes::{Register, What};
use royalty::ledger::State;
use royalty::money::Money;
use royalty::period::{Period, Usage};
use royalty::statement::{FileSummary, Revenue, RevenueLine};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

const PERIODS: [&str; 4] = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"];

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

fn agreement(hold: bool, minimum: i64) -> royalty::agreement::Agreement {
    let text = format!(
        "id = \"d\"\ncurrency = \"USD\"\n[[track]]\nisrc = \"QZAAA2600001\"\n\
         [[party]]\nid = \"p\"\n[rates.p]\nstreaming = \"50%\"\n\
         [payout]\nminimum = \"{}\"\n[dispute]\nobjection_days = 90\nhold_disputed = {hold}\n",
        cents(minimum)
    );
    load_agreement_str(&text, Path::new("d.toml")).unwrap()
}

fn revenue(period: Period, amount: Decimal) -> Revenue {
    let mut r = Revenue::default();
    let mut f = FileSummary {
        path: PathBuf::from("s.csv"),
        ..FileSummary::default()
    };
    let first = period.first_day();
    r.add_line(
        &mut f,
        &RevenueLine {
            line: 2,
            usage: Usage::from_date(first),
            isrc: Isrc::parse("QZAAA2600001").unwrap(),
            source: Source::Streaming,
            territory: Territory::parse_bytes(b"US").unwrap(),
            units: 1,
            amount,
            currency: Currency::parse("USD").unwrap(),
            tax_withheld: Decimal::ZERO,
        },
    );
    r.files.push(f);
    r
}

fn run(
    a: &royalty::agreement::Agreement,
    period: Period,
    amount: Decimal,
    opening: &State,
    register: &Register,
) -> PeriodResult {
    let rev = revenue(period, amount);
    let sorted = rev.sorted();
    let disputes = register.disputes(register.events.len()).unwrap();
    compute(&Input {
        period,
        agreements: std::slice::from_ref(a),
        revenue: &sorted,
        releases: &[],
        files: &rev.files,
        fx: &royalty::fx::FxTable::default(),
        opening,
        events: &[],
        disputes: &disputes,
    })
    .expect("every period computes: the engine's invariants hold")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn a_dispute_holds_within_its_claim_and_pays_its_adjustment_once(
        earnings in proptest::collection::vec(-50_000i64..400_000, 4),
        claim in 1i64..300_000,
        adjustment in -300_000i64..300_000,
        minimum in prop_oneof![Just(0i64), Just(2_500), Just(10_000)],
        hold in any::<bool>(),
        resolve_after in 1usize..3,
    ) {
        let a = agreement(hold, minimum);
        let mut register = Register::default();
        let mut state = State::default();
        let mut adjusted = Money::ZERO;
        let mut settled_in = None;
        let claim = Money(cents(claim));
        let adjustment = Money(cents(adjustment));
        for (i, p) in PERIODS.iter().enumerate() {
            let period = Period::parse(p).unwrap();
            if i == 1 {
                register.push("D1", period.first_day(), What::Open {
                    agreement: "d".into(),
                    party: "p".into(),
                    period: "2026-Q1".into(),
                    amount: claim,
                    currency: Currency::parse("USD").unwrap(),
                    reason: "r".into(),
                    hold,
                    deadline: None,
                });
            }
            if i == 1 + resolve_after {
                register.push("D1", period.first_day(), What::Resolve {
                    adjustment,
                    note: "n".into(),
                    forced: false,
                });
            }
            let r = run(&a, period, cents(earnings[i]), &state, &register);
            let ar = &r.agreements[0];
            let f = &ar.parties[0].flows;
            prop_assert!(!f.paid.is_negative());
            let row_adjusted: Money = ar.parties.iter().map(|p| p.flows.adjusted).sum();
            prop_assert_eq!(row_adjusted, f.adjusted);
            prop_assert_eq!(ar.revenue, f.earned + ar.label_retained);
            adjusted += f.adjusted;
            let ds = r.closing.disputes.get("D1");
            if let Some(s) = ds {
                prop_assert!(!s.held.is_negative() && s.held <= claim);
                if !hold {
                    prop_assert!(s.held.is_zero());
                }
                if s.settled.is_some() {
                    prop_assert!(s.held.is_zero());
                    if settled_in.is_none() {
                        settled_in = Some(i);
                        prop_assert_eq!(f.adjusted, adjustment);
                    } else {
                        prop_assert!(f.adjusted.is_zero() && f.held.is_zero());
                    }
                }
            }
            // While it is open and held, nothing is paid before its whole
            // claim is held.
            let open = i >= 1 && i < 1 + resolve_after;
            if hold && open && f.payable.is_positive() {
                prop_assert_eq!(ds.map(|s| s.held), Some(claim));
            }
            let party = r.closing.party("d", "p").cloned().unwrap_or_default();
            let held_by_disputes = ds.map(|s| s.held).unwrap_or_default();
            prop_assert_eq!(party.held, held_by_disputes);
            state = r.closing;
        }
        prop_assert_eq!(settled_in, Some(1 + resolve_after));
        prop_assert_eq!(adjusted, adjustment);
    }
}
