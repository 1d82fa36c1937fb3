//! Property tests of the arithmetic (docs/arithmetic.md), with an exact
//! rational oracle (`num_rational::BigRational`, independent of the
//! engine's own `Exact`):
//!
//! (i)   for random agreements (2-5 parties; per-party rates, pools with an
//!       explicit split, or weighted splits) and random statement lines
//!       (amounts with up to 6 decimals, positive and negative, in several
//!       currencies converted at the period-end rate, half of the pairs
//!       through an inverse rate, 1/rate, which no decimal holds), each
//!       party's exact earnings and the exact revenue equal the oracle's
//!       exactly, the parts sum to the total per agreement (sum(earned) +
//!       label_retained == revenue), the revenue is round_half_even(sum of
//!       converted amounts), every part is within a cent of its exact value,
//!       and every statement amount is accounted for (matched + unmatched),
//!       per currency;
//! (ii)  `royalty run --format json` does not change when the statement lines
//!       are shuffled within a file, split across files, or the files given
//!       in another order (binary level, a few cases only);
//! (iii) `allocate` always returns parts summing to round(total), each within
//!       one cent of its exact value.
//!
//! No binary floating point anywhere: oracles are exact rationals or decimals.

mod common;

use num_rational::BigRational as Q;
use num_traits::Signed;
use proptest::prelude::*;
use royalty::agreement::{load_agreements, Agreement};
use royalty::codes::{Currency, Isrc, Source, Territory};
use royalty::engine::allocate::allocate;
use royalty::engine::{compute, Input, PeriodResult};
use royalty::exact::Exact;
use royalty::fx::parse_fx;
use royalty::period::{Period, Usage};
use royalty::statement::{FileSummary, Revenue, RevenueLine};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CURRENCIES: [&str; 4] = ["USD", "EUR", "GBP", "JPY"];
/// Sources agreements pay on; lines may also be `other`, which no party has
/// a rate for (all of it is the label's).
const PAID_SOURCES: [&str; 4] = ["streaming", "download", "physical", "sync"];
const LINE_SOURCES: [&str; 5] = ["streaming", "download", "physical", "sync", "other"];

fn cent() -> Decimal {
    Decimal::new(1, 2)
}

/// The oracle's rounding: half to even, to cents.
fn round_half_even(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

/// `bp` basis points as a percentage string ("12.34%") and as a fraction.
fn pct_text(bp: u32) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}
fn bp_frac(bp: u32) -> Q {
    Q::new(bp.into(), 10_000.into())
}

/// The exact value of a decimal, for the oracle.
fn q(d: Decimal) -> Q {
    Q::new(
        d.mantissa().into(),
        num_traits::pow(num_bigint::BigInt::from(10), d.scale() as usize),
    )
}

/// The oracle's rounding of an exact value: half to even, in cents.
fn half_even_cents(x: &Q) -> Q {
    let scaled = x * Q::from_integer(100.into());
    let n = scaled.floor();
    let r = &scaled - &n;
    let half = Q::new(1.into(), 2.into());
    let odd = n.to_integer() % 2 != 0.into();
    if r > half || (r == half && odd) {
        n + Q::from_integer(1.into())
    } else {
        n
    }
}

/// The oracle's exact value of an engine figure (which prints exactly).
fn q_text(s: &str) -> Q {
    match s.split_once('/') {
        Some((n, d)) => Q::new(n.parse().unwrap(), d.parse().unwrap()),
        // Digits past Decimal's 28: read them as integers.
        None => {
            let (int, frac) = s.split_once('.').unwrap_or((s, ""));
            let digits: num_bigint::BigInt = format!("{int}{frac}").parse().unwrap();
            Q::new(
                digits,
                num_traits::pow(num_bigint::BigInt::from(10), frac.len()),
            )
        }
    }
}

// ---------------------------------------------------------------------------
// Random agreements
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum RateSpec {
    /// Basis points of net receipts.
    Pct(u32),
    /// Thousandths of the agreement currency per unit.
    PerUnit(u32),
}

#[derive(Clone, Debug)]
enum FormSpec {
    /// `rates[party][source]`.
    Rates(Vec<Vec<Option<RateSpec>>>),
    /// Pool per source (basis points) and an explicit split (basis points,
    /// summing to 10000).
    PoolSplit {
        pool: Vec<Option<u32>>,
        split: Vec<u32>,
    },
    /// Pool per source and a weighted split: tier weights, by hours or not.
    PoolWeighted {
        pool: Vec<Option<u32>>,
        tiers: Vec<u32>,
        by_hours: bool,
    },
}

#[derive(Clone, Debug)]
struct PartySpec {
    tier: usize,
    hours: u32,
}

#[derive(Clone, Debug)]
struct AgreementSpec {
    currency: usize,
    parties: Vec<PartySpec>,
    form: FormSpec,
}

fn pool_strategy() -> impl Strategy<Value = Vec<Option<u32>>> {
    prop::collection::vec(
        prop::option::weighted(0.8, 0u32..=10_000),
        PAID_SOURCES.len(),
    )
}

/// Cut points in 0..=10000 -> shares summing to exactly 10000.
fn split_strategy(n: usize) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..=10_000, n - 1).prop_map(|mut cuts| {
        cuts.sort_unstable();
        let mut out = Vec::with_capacity(cuts.len() + 1);
        let mut prev = 0;
        for c in cuts {
            out.push(c - prev);
            prev = c;
        }
        out.push(10_000 - prev);
        out
    })
}

fn rates_strategy(n: usize) -> impl Strategy<Value = Vec<Vec<Option<RateSpec>>>> {
    // Each party at most 100%/n of a source, so no source exceeds 100%.
    let max = 10_000 / n as u32;
    let rate = prop_oneof![
        4 => (0..=max).prop_map(RateSpec::Pct),
        1 => (1u32..=2_000).prop_map(RateSpec::PerUnit),
    ];
    let row = prop::collection::vec(prop::option::weighted(0.7, rate), PAID_SOURCES.len());
    prop::collection::vec(row, n)
}

fn agreement_strategy() -> impl Strategy<Value = AgreementSpec> {
    (2usize..=5).prop_flat_map(|n| {
        let parties = prop::collection::vec(
            (0usize..3, 1u32..=300).prop_map(|(tier, hours)| PartySpec { tier, hours }),
            n,
        );
        let form = prop_oneof![
            rates_strategy(n).prop_map(FormSpec::Rates),
            (pool_strategy(), split_strategy(n))
                .prop_map(|(pool, split)| FormSpec::PoolSplit { pool, split }),
            (
                pool_strategy(),
                prop::collection::vec(1u32..=10, 3),
                any::<bool>()
            )
                .prop_map(|(pool, tiers, by_hours)| FormSpec::PoolWeighted {
                    pool,
                    tiers,
                    by_hours
                }),
        ];
        (0usize..CURRENCIES.len(), parties, form).prop_map(|(currency, parties, form)| {
            AgreementSpec {
                currency,
                parties,
                form,
            }
        })
    })
}

fn isrc_of(agreement: usize, track: usize) -> String {
    format!("QZPRP26{agreement}{track:04}")
}

fn agreement_id(k: usize) -> String {
    format!("agr-{k}")
}

/// The agreement's TOML.
fn agreement_toml(k: usize, a: &AgreementSpec) -> String {
    let mut s = format!(
        "id = \"{}\"\ncurrency = \"{}\"\n\n",
        agreement_id(k),
        CURRENCIES[a.currency]
    );
    for t in 0..2 {
        s += &format!("[[track]]\nisrc = \"{}\"\n\n", isrc_of(k, t));
    }
    for (i, p) in a.parties.iter().enumerate() {
        s += &format!(
            "[[party]]\nid = \"p{i}\"\ntier = \"t{}\"\nhours = {}\n\n",
            p.tier, p.hours
        );
    }
    let pool_text = |pool: &[Option<u32>]| {
        let mut s = String::from("[pool]\n");
        for (src, bp) in PAID_SOURCES.iter().zip(pool) {
            if let Some(bp) = bp {
                s += &format!("{src} = \"{}\"\n", pct_text(*bp));
            }
        }
        s + "\n"
    };
    match &a.form {
        FormSpec::Rates(rates) => {
            for (i, row) in rates.iter().enumerate() {
                s += &format!("[rates.p{i}]\n");
                for (src, r) in PAID_SOURCES.iter().zip(row) {
                    match r {
                        Some(RateSpec::Pct(bp)) => s += &format!("{src} = \"{}\"\n", pct_text(*bp)),
                        Some(RateSpec::PerUnit(m)) => {
                            s += &format!("{src} = \"{}.{:03}/unit\"\n", m / 1000, m % 1000)
                        }
                        None => {}
                    }
                }
                s += "\n";
            }
        }
        FormSpec::PoolSplit { pool, split } => {
            s += &pool_text(pool);
            s += "[split]\n";
            for (i, bp) in split.iter().enumerate() {
                s += &format!("p{i} = \"{}\"\n", pct_text(*bp));
            }
        }
        FormSpec::PoolWeighted {
            pool,
            tiers,
            by_hours,
        } => {
            s += &pool_text(pool);
            s += &format!("[split]\nmethod = \"weighted\"\nby_hours = {by_hours}\n\n[tiers]\n");
            for (t, w) in tiers.iter().enumerate() {
                s += &format!("t{t} = {w}\n");
            }
        }
    }
    s
}

/// The weights of a weighted split (1 for each party otherwise).
fn weights(a: &AgreementSpec) -> Vec<Q> {
    match &a.form {
        FormSpec::PoolWeighted {
            tiers, by_hours, ..
        } => a
            .parties
            .iter()
            .map(|p| {
                let h = if *by_hours { p.hours } else { 1 };
                Q::from_integer((tiers[p.tier] as i64 * h as i64).into())
            })
            .collect(),
        _ => vec![Q::from_integer(1.into()); a.parties.len()],
    }
}

/// Each party's exact earnings on one line of `converted`
/// agreement-currency amount and `units` of source `src`.
fn party_exact(a: &AgreementSpec, src: usize, converted: &Q, units: i64) -> Vec<Q> {
    let n = a.parties.len();
    let zero = Q::from_integer(0.into());
    if src >= PAID_SOURCES.len() {
        return vec![zero; n];
    }
    match &a.form {
        FormSpec::Rates(rates) => rates
            .iter()
            .map(|row| match &row[src] {
                Some(RateSpec::Pct(bp)) => converted * bp_frac(*bp),
                Some(RateSpec::PerUnit(m)) => Q::new((units * *m as i64).into(), 1000.into()),
                None => zero.clone(),
            })
            .collect(),
        FormSpec::PoolSplit { pool, split } => split
            .iter()
            .map(|bp| match pool[src] {
                Some(p) => converted * bp_frac(p) * bp_frac(*bp),
                None => zero.clone(),
            })
            .collect(),
        FormSpec::PoolWeighted { pool, .. } => {
            let w = weights(a);
            let total: Q = w.iter().sum();
            w.iter()
                .map(|w| match pool[src] {
                    Some(p) => converted * bp_frac(p) * w / &total,
                    None => zero.clone(),
                })
                .collect()
        }
    }
}

// ---------------------------------------------------------------------------
// Random lines and exchange rates
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct LineSpec {
    /// An agreement index, or one past the last for an ISRC nobody covers.
    agreement: usize,
    track: usize,
    month: u32,
    source: usize,
    currency: usize,
    amount: Decimal,
    units: i64,
}

/// An amount with up to 6 decimals, positive or negative.
fn amount_strategy() -> impl Strategy<Value = Decimal> {
    (-1_000_000_000i64..=1_000_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s))
}

fn line_strategy(agreements: usize) -> impl Strategy<Value = LineSpec> {
    (
        0..=agreements,
        0usize..2,
        1u32..=3,
        0..LINE_SOURCES.len(),
        0..CURRENCIES.len(),
        amount_strategy(),
        -1_000i64..=100_000,
    )
        .prop_map(
            |(agreement, track, month, source, currency, amount, units)| LineSpec {
                agreement,
                track,
                month,
                source,
                currency,
                amount,
                units,
            },
        )
}

/// A positive rate with up to 6 decimals (0.000001 to 9.999999).
fn fx_rate_strategy() -> impl Strategy<Value = Decimal> {
    (1i64..=9_999_999).prop_map(|m| Decimal::new(m, 6))
}

/// Rates for every ordered pair: (on the period end, a month before, a month
/// after). Only the first may be used for 2026-Q1.
type FxSpec = Vec<(Decimal, Decimal, Decimal)>;

fn fx_strategy() -> impl Strategy<Value = FxSpec> {
    prop::collection::vec(
        (fx_rate_strategy(), fx_rate_strategy(), fx_rate_strategy()),
        CURRENCIES.len() * CURRENCIES.len(),
    )
}

fn fx_text(fx: &FxSpec) -> String {
    let mut s = String::from("date,from,to,rate\n");
    for (i, from) in CURRENCIES.iter().enumerate() {
        for (j, to) in CURRENCIES.iter().enumerate() {
            if i == j {
                continue;
            }
            let (on, before, after) = fx[i * CURRENCIES.len() + j];
            s += &format!("2026-02-27,{from},{to},{before}\n");
            // From a later currency to an earlier one, only the opposite
            // pair is dated the period end: the engine must use 1/rate.
            if i < j {
                s += &format!("2026-03-31,{from},{to},{on}\n");
            }
            s += &format!("2026-04-30,{from},{to},{after}\n");
        }
    }
    s
}

/// The oracle's rate: the one dated 2026-03-31 (the end of 2026-Q1), or the
/// inverse of the opposite pair's when only that one is dated then.
fn fx_oracle(fx: &FxSpec, from: usize, to: usize) -> Q {
    let one = Q::from_integer(1.into());
    if from == to {
        one
    } else if from < to {
        q(fx[from * CURRENCIES.len() + to].0)
    } else {
        one / q(fx[to * CURRENCIES.len() + from].0)
    }
}

fn line_isrc(l: &LineSpec) -> String {
    isrc_of(l.agreement, l.track)
}

fn revenue_line(n: u64, l: &LineSpec) -> RevenueLine {
    RevenueLine {
        line: n,
        usage: Usage::parse_bytes(format!("2026-{:02}", l.month).as_bytes()).unwrap(),
        isrc: Isrc::parse(&line_isrc(l)).unwrap(),
        source: Source::parse(LINE_SOURCES[l.source]).unwrap(),
        territory: Territory::parse_bytes(b"US").unwrap(),
        units: l.units,
        amount: l.amount,
        currency: Currency::parse(CURRENCIES[l.currency]).unwrap(),
        tax_withheld: Decimal::ZERO,
    }
}

/// Loads the agreements, fx and lines through the library and computes 2026-Q1.
fn compute_q1(
    specs: &[AgreementSpec],
    lines: &[LineSpec],
    fx: &FxSpec,
) -> (Vec<Agreement>, PeriodResult) {
    let texts: Vec<(PathBuf, String)> = specs
        .iter()
        .enumerate()
        .map(|(k, a)| (PathBuf::from(format!("agr-{k}.toml")), agreement_toml(k, a)))
        .collect();
    let (agreements, diags) = load_agreements(&texts);
    assert!(
        diags.is_empty(),
        "generated agreements must be valid: {diags:?}\n{texts:#?}"
    );
    let (fx_table, diags) = parse_fx(&fx_text(fx), Path::new("fx.csv"));
    assert!(diags.is_empty(), "{diags:?}");
    let mut revenue = Revenue::default();
    let mut file = FileSummary {
        path: PathBuf::from("s.csv"),
        format: "canonical".into(),
        ..FileSummary::default()
    };
    for (i, l) in lines.iter().enumerate() {
        revenue.add_line(&mut file, &revenue_line(i as u64 + 2, l));
    }
    revenue.files.push(file);
    let sorted = revenue.sorted();
    let result = compute(&Input {
        period: Period::parse("2026-Q1").unwrap(),
        agreements: &agreements,
        revenue: &sorted,
        files: &revenue.files,
        fx: &fx_table,
        opening: &royalty::ledger::State::default(),
        events: &[],
        releases: &[],
        disputes: &[],
    })
    .expect("the computation succeeds (every rate is present)");
    (agreements, result)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// (i) The parts sum to the total, per agreement and overall.
    #[test]
    fn parts_sum_to_the_total(
        (specs, lines) in prop::collection::vec(agreement_strategy(), 1..=3)
            .prop_flat_map(|specs| {
                let n = specs.len();
                (Just(specs), prop::collection::vec(line_strategy(n), 0..40))
            }),
        fx in fx_strategy(),
    ) {
        let (_, result) = compute_q1(&specs, &lines, &fx);
        prop_assert!(result.checks.conservation, "{:?}", result.checks.details);
        prop_assert_eq!(result.agreements.len(), specs.len());

        for (k, spec) in specs.iter().enumerate() {
            let id = agreement_id(k);
            let a = result.agreements.iter().find(|a| a.id == id).expect("agreement in result");
            // The oracle: convert each line at the period-end rate, exactly.
            let n = spec.parties.len();
            let zero = Q::from_integer(0.into());
            let mut total = zero.clone();
            let mut exact = vec![zero.clone(); n];
            let mut matched = 0u64;
            for l in lines.iter().filter(|l| l.agreement == k) {
                let converted = q(l.amount) * fx_oracle(&fx, l.currency, spec.currency);
                matched += 1;
                for (x, p) in exact.iter_mut().zip(party_exact(spec, l.source, &converted, l.units)) {
                    *x += p;
                }
                total += converted;
            }
            prop_assert_eq!(a.lines, matched);
            prop_assert_eq!(q_text(&a.revenue_exact.to_string()), total.clone(), "{}: exact revenue", id);
            let cents = Q::from_integer(100.into());
            let rounded = half_even_cents(&total);
            prop_assert_eq!(q(a.revenue.0) * &cents, rounded, "{}: revenue", id);
            let earned: Decimal = a.parties.iter().map(|p| p.flows.earned.0).sum();
            prop_assert_eq!(earned + a.label_retained.0, a.revenue.0,
                "{}: sum(earned) + label_retained != revenue", id);
            // Each party's exact earnings are the oracle's, to the last
            // digit, and its cents within a cent of them.
            let limit = Q::new(1.into(), 100.into());
            for (i, p) in a.parties.iter().enumerate() {
                prop_assert_eq!(q_text(&p.earned_exact.to_string()), exact[i].clone(), "{}/p{}: exact", id, i);
                let e = p.flows.earned.0;
                prop_assert_eq!(e, e.round_dp(2), "{}/p{}: whole cents", id, i);
                let diff = (q(e) - &exact[i]).abs();
                prop_assert!(diff < limit, "{}/p{}: earned {} vs exact {}", id, i, e, exact[i]);
            }
            let label_exact = total - exact.iter().sum::<Q>();
            let diff = (q(a.label_retained.0) - &label_exact).abs();
            prop_assert!(diff < limit, "{}: label {} vs exact {}", id, a.label_retained.0, label_exact);
        }

        // Overall, per statement currency: every amount is matched or unmatched.
        let mut stated: BTreeMap<&str, (Decimal, u64)> = BTreeMap::new();
        for l in &lines {
            let e = stated.entry(CURRENCIES[l.currency]).or_default();
            e.0 += l.amount;
            e.1 += 1;
        }
        let mut accounted: BTreeMap<String, (Decimal, u64)> = BTreeMap::new();
        for a in &result.agreements {
            for c in &a.conversions {
                let e = accounted.entry(c.currency.to_string()).or_default();
                e.0 += c.amount;
                e.1 += c.lines;
            }
        }
        for (c, s) in &result.unmatched.by_currency {
            let e = accounted.entry(c.to_string()).or_default();
            e.0 += s.amount;
            e.1 += s.lines;
        }
        prop_assert_eq!(result.out_of_term.lines(), 0);
        let stated: BTreeMap<String, (Decimal, u64)> =
            stated.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        prop_assert_eq!(stated, accounted);
        let unmatched = lines.iter().filter(|l| l.agreement == specs.len()).count() as u64;
        prop_assert_eq!(result.unmatched.lines(), unmatched);

        // And overall, per agreement currency: the sum of revenues is the sum
        // of every part.
        let mut revenue: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut parts: BTreeMap<String, Decimal> = BTreeMap::new();
        for a in &result.agreements {
            *revenue.entry(a.currency.to_string()).or_default() += a.revenue.0;
            *parts.entry(a.currency.to_string()).or_default() += a.label_retained.0
                + a.parties.iter().map(|p| p.flows.earned.0).sum::<Decimal>();
        }
        prop_assert_eq!(revenue, parts);
    }

    /// (i) Half a cent is common with 3-decimal amounts in the agreement's
    /// own currency: the revenue is rounded half to even (0.015 -> 0.02,
    /// 0.025 -> 0.02), once, and the parts still sum to it.
    #[test]
    fn revenue_rounds_half_to_even(
        (spec, lines) in agreement_strategy().prop_flat_map(|spec| {
            let currency = spec.currency;
            let line = (0usize..2, 1u32..=3, 0..LINE_SOURCES.len(), -2_000i64..=2_000, 0i64..=1000)
                .prop_map(move |(track, month, source, m, units)| LineSpec {
                    agreement: 0,
                    track,
                    month,
                    source,
                    currency,
                    amount: Decimal::new(m * 10 + 5, 3),
                    units,
                });
            (Just(spec), prop::collection::vec(line, 1..6))
        }),
        fx in fx_strategy(),
    ) {
        let (_, result) = compute_q1(std::slice::from_ref(&spec), &lines, &fx);
        let total: Decimal = lines.iter().map(|l| l.amount).sum();
        let a = &result.agreements[0];
        prop_assert_eq!(a.revenue.0, round_half_even(total), "total {}", total);
        let earned: Decimal = a.parties.iter().map(|p| p.flows.earned.0).sum();
        prop_assert_eq!(earned + a.label_retained.0, a.revenue.0);
    }

    /// (iii) `allocate` returns parts summing to round(total), each within a
    /// cent of its exact value, whatever the parts (even over the total).
    #[test]
    fn allocate_sums_to_the_rounded_total(
        total in (-1_000_000_000_000i64..=1_000_000_000_000, 0u32..=6)
            .prop_map(|(m, s)| Decimal::new(m, s)),
        denom in prop_oneof![Just(1i64), 1i64..=1_000],
        raw in prop::collection::vec(
            prop_oneof![
                // An arbitrary exact amount, divided by `denom`.
                (-1_000_000_000_000i64..=1_000_000_000_000, 0u32..=8)
                    .prop_map(|(m, s)| (Some(Decimal::new(m, s)), 0i64)),
                // A weight: part = total x w / denom (as a weighted split makes).
                (0i64..=1_000).prop_map(|w| (None, w)),
            ],
            0..=6,
        ),
    ) {
        let t = Exact::dec(total);
        let parts: Vec<Exact> = raw
            .iter()
            .map(|(x, w)| match x {
                Some(x) => Exact::dec(*x) / Exact::int(denom),
                None => t.clone() * Exact::int(*w) / Exact::int(denom),
            })
            .collect();
        let out = allocate(&t, &parts).unwrap();
        prop_assert_eq!(out.len(), parts.len() + 1, "one part per party and the label");
        prop_assert_eq!(Exact::money(out.iter().sum()), t.round_cents());
        let label = t.clone() - parts.iter().sum::<Exact>();
        for (i, (part, exact)) in out.iter().zip(parts.iter().chain([&label])).enumerate() {
            prop_assert_eq!(part.0, part.0.round_dp(2), "part {} is not whole cents", i);
            let diff = q_text(&(Exact::money(*part) - exact).to_string());
            prop_assert!(diff.abs() < Q::new(1.into(), 100.into()),
                "part {}: {} is more than a cent from {}", i, part, exact);
        }
    }

    /// (iii) The shares of a weighted split, the worked examples' shape:
    /// `total` by integer weights (a 100% pool, nothing for the label).
    #[test]
    fn allocate_by_weights_gives_the_label_nothing(
        total in (0i64..=100_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
        weights in prop::collection::vec(1i64..=1_000, 1..=6),
    ) {
        let t = Exact::dec(total);
        let sum: i64 = weights.iter().sum();
        let parts: Vec<Exact> = weights.iter().map(|w| t.clone() * Exact::int(*w) / Exact::int(sum)).collect();
        let out = allocate(&t, &parts).unwrap();
        prop_assert_eq!(out.iter().map(|m| m.0).sum::<Decimal>(), total);
        prop_assert!(out.last().unwrap().is_zero(), "the label keeps nothing of a 100% pool");
        // Largest remainder: no party is two cents from another's share of the
        // same weight.
        for (i, wi) in weights.iter().enumerate() {
            for (j, wj) in weights.iter().enumerate() {
                if wi == wj {
                    prop_assert!((out[i].0 - out[j].0).abs() <= cent(),
                        "equal weights, unequal parts: {:?}", out);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// (ii) The output does not depend on line order or file layout
// ---------------------------------------------------------------------------

const SHUFFLE_AGREEMENTS: [(&str, &str); 2] = [
    (
        "agreements/pooled.toml",
        "id = \"pooled\"\ncurrency = \"EUR\"\n\n[[track]]\nisrc = \"QZSHF2600001\"\n\n\
         [[party]]\nid = \"a\"\ntier = \"core\"\nhours = 7\n\n\
         [[party]]\nid = \"b\"\ntier = \"minor\"\nhours = 11\n\n\
         [[party]]\nid = \"c\"\ntier = \"core\"\nhours = 3\n\n\
         [pool]\nstreaming = \"33.33%\"\ndownload = \"50%\"\n\n\
         [split]\nmethod = \"weighted\"\nby_hours = true\n\n[tiers]\ncore = 3\nminor = 1\n",
    ),
    (
        "agreements/rated.toml",
        "id = \"rated\"\ncurrency = \"USD\"\n\n[[track]]\nisrc = \"QZSHF2600002\"\n\n\
         [[party]]\nid = \"x\"\n\n[[party]]\nid = \"y\"\npayout_currency = \"JPY\"\n\n\
         [rates.x]\nstreaming = \"7.5%\"\nphysical = \"0.35/unit\"\n\n\
         [rates.y]\nstreaming = \"2.25%\"\ndownload = \"12%\"\n",
    ),
];

const SHUFFLE_FX: &str = "date,from,to,rate\n\
    2026-03-31,USD,EUR,0.921337\n2026-03-31,EUR,USD,1.0871\n\
    2026-03-31,JPY,USD,0.006803\n2026-03-31,JPY,EUR,0.006258\n\
    2026-03-31,USD,JPY,147.0123\n2026-04-30,USD,EUR,0.95\n";

const SHUFFLE_ISRCS: [&str; 3] = ["QZSHF2600001", "QZSHF2600002", "QZSHF2609999"];
const SHUFFLE_SOURCES: [&str; 3] = ["streaming", "download", "physical"];
const SHUFFLE_CURRENCIES: [&str; 3] = ["USD", "EUR", "JPY"];

fn shuffle_line() -> impl Strategy<Value = String> {
    (
        0usize..3,
        1u32..=3,
        0usize..3,
        0usize..3,
        -50i64..=5_000,
        amount_strategy(),
    )
        .prop_map(|(i, m, s, c, units, amount)| {
            format!(
                "2026-{m:02},{},{},GB,{units},{amount},{}",
                SHUFFLE_ISRCS[i], SHUFFLE_SOURCES[s], SHUFFLE_CURRENCIES[c]
            )
        })
}

/// Writes the agreements, fx and the given statement files into a fresh
/// folder and runs `royalty run --format json` there with the statement
/// files in the order given.
fn run_with_statements(files: &[(String, Vec<String>)]) -> String {
    run_with(files, &[])
}

/// `run_with_statements` with more arguments (`--threads N`, ...).
fn run_with(files: &[(String, Vec<String>)], more: &[&str]) -> String {
    let p = common::Project::new();
    for (path, text) in SHUFFLE_AGREEMENTS {
        p.write(path, text);
    }
    p.write("fx.csv", SHUFFLE_FX);
    for (name, lines) in files {
        let mut text = String::from("period,isrc,source,territory,units,amount,currency\n");
        for l in lines {
            text.push_str(l);
            text.push('\n');
        }
        p.write(name, &text);
    }
    let mut c = p.cmd();
    c.args([
        "run",
        "--format",
        "json",
        "--agreements",
        "agreements",
        "--fx",
        "fx.csv",
        "--period",
        "2026-Q1",
        // Two parts with the same bytes are not what this test is about.
        "--allow-duplicate",
        "--statements",
    ]);
    c.args(files.iter().map(|(n, _)| n.as_str()));
    c.args(more);
    common::run_ok(&mut c)
}

/// The JSON without the `sha256` of each statement (it changes with the
/// order of the bytes, as it should).
fn without_hashes(text: &str) -> serde_json::Value {
    let mut v = common::json(text);
    for s in v["statements"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("sha256");
    }
    v
}

/// The JSON without the `statements` array (the files differ by design).
fn without_statements(text: &str) -> serde_json::Value {
    let mut v = common::json(text);
    v.as_object_mut().unwrap().remove("statements");
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn output_does_not_depend_on_line_order_or_file_layout(
        (lines, order, parts) in prop::collection::vec(shuffle_line(), 1..25).prop_flat_map(|lines| {
            let n = lines.len();
            (
                Just(lines),
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                prop::collection::vec(0usize..3, n),
            )
        }),
        file_order in Just(vec![0usize, 1, 2]).prop_shuffle(),
    ) {
        // One file, lines in the generated order.
        let one = run_with_statements(&[("statements/all.csv".into(), lines.clone())]);
        // The same file name, lines shuffled.
        let shuffled: Vec<String> = order.iter().map(|&i| lines[i].clone()).collect();
        let one_shuffled = run_with_statements(&[("statements/all.csv".into(), shuffled.clone())]);
        prop_assert_eq!(without_hashes(&one), without_hashes(&one_shuffled));

        // Split across up to three files (shuffled lines), given in a random order...
        let mut split: Vec<(String, Vec<String>)> =
            (0..3).map(|k| (format!("statements/part-{k}.csv"), Vec::new())).collect();
        for (l, &k) in shuffled.iter().zip(&parts) {
            split[k].1.push(l.clone());
        }
        let split: Vec<(String, Vec<String>)> = split.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let in_order: Vec<(String, Vec<String>)> = file_order
            .iter()
            .filter_map(|&k| split.get(k).cloned())
            .collect();
        let many = run_with_statements(&in_order);
        prop_assert_eq!(without_statements(&one), without_statements(&many));
        let doc = common::json(&many);
        let lines_in_files: u64 = doc["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["lines"].as_u64().unwrap())
            .sum();
        prop_assert_eq!(lines_in_files, lines.len() as u64);

        // ... and the same files in the reverse order: identical bytes.
        let mut reversed = in_order.clone();
        reversed.reverse();
        let many_reversed = run_with_statements(&reversed);
        prop_assert_eq!(&many, &many_reversed);

        // Whatever the threads: small files are read side by side, one
        // thread each, or one after another (docs/scaling.md).
        for threads in ["1", "3"] {
            prop_assert_eq!(&many, &run_with(&reversed, &["--threads", threads]));
        }
        // Unmatched lines summed per currency only (JSON) or kept per key
        // (listed with --unmatched): the same figures.
        prop_assert_eq!(&many, &run_with(&in_order, &["--unmatched", "unmatched.csv"]));
    }
}
