//! `flow`: an agreement's waterfall as a flowchart (docs/commands.md,
//! `flow`): revenue by source, net receipts and the milestones, each
//! party's share, then each party's way down to the payment (reserve,
//! vesting, record-one gate, advances with their cross-collateralization,
//! milestone bonus, payout minimum, tax, payment), and what the label keeps.
//!
//! One graph (`Flow`) rendered three ways: Mermaid and DOT (`text`) to
//! paste into the usual tools, and a self-contained SVG laid out and drawn
//! here (`layout`), no Graphviz needed. With a period, every figure comes
//! from the engine's result (the flows of the payout rows, the milestones'
//! standings, the advances' standings): nothing is priced here.

pub mod layout;
pub mod text;

use crate::agreement::{Agreement, BonusRecoup, RateTerm};
use crate::codes::Source;
use crate::engine::{AgreementResult, Flows, PartyResult, PeriodResult};
use crate::money::{percent_string, Money};
use crate::report::figures::{amount, cents, count};
use crate::report::origin::rate_text;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowFormat {
    Mermaid,
    Dot,
    Svg,
}

impl FromStr for FlowFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "mermaid" => Ok(FlowFormat::Mermaid),
            "dot" => Ok(FlowFormat::Dot),
            "svg" => Ok(FlowFormat::Svg),
            _ => Err(format!(
                "unknown format `{s}`; expected mermaid, dot or svg"
            )),
        }
    }
}

/// What a box is: it decides its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Source,
    Receipts,
    Milestone,
    Party,
    Label,
    Step,
    Payment,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub layer: usize,
    /// The party's column (its chain is drawn straight down); `None` for
    /// boxes spread across their row.
    pub column: Option<usize>,
    pub kind: Kind,
    pub title: String,
    pub lines: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Flow {
    pub title: String,
    pub subtitle: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Flow {
    fn add(
        &mut self,
        layer: usize,
        column: Option<usize>,
        kind: Kind,
        title: String,
        lines: Vec<String>,
    ) -> usize {
        self.nodes.push(Node {
            layer,
            column,
            kind,
            title,
            lines,
        });
        self.nodes.len() - 1
    }
    fn edge(&mut self, from: usize, to: usize, label: String) {
        self.edges.push(Edge { from, to, label });
    }
}

/// Rows of the chart, top to bottom; empty ones are dropped.
const SOURCES: usize = 0;
const RECEIPTS: usize = 1;
const PARTIES: usize = 2;
const RESERVE: usize = 3;
const VESTING: usize = 4;
const GATE: usize = 5;
const ADVANCES: usize = 6;
const BONUS: usize = 7;
const MINIMUM: usize = 8;
const TAX: usize = 9;
const PAYMENT: usize = 10;

/// The period's figures of one agreement, from the engine.
pub struct Figures<'a> {
    pub result: &'a PeriodResult,
    pub agreement: &'a AgreementResult,
}

/// "streaming 4%, download 4%": a party's rates under the terms in force.
fn rates(a: &Agreement, terms: usize, party: usize) -> Vec<String> {
    let t = &a.terms[terms];
    let parts: Vec<String> = Source::ALL
        .iter()
        .filter_map(|s| {
            t.rate(party, *s)
                .map(|r: RateTerm| format!("{} {}", s.name(), rate_text(&r)))
        })
        .collect();
    if parts.is_empty() {
        return vec!["no rate in these terms".into()];
    }
    parts.chunks(3).map(|c| c.join(", ")).collect()
}

fn m(x: Money) -> String {
    amount(x)
}

/// Builds the waterfall of `a`, with a period's figures when given.
pub fn build(a: &Agreement, fig: Option<&Figures>) -> Flow {
    let cur = a.currency;
    let mut f = Flow {
        title: format!("{}: {}", a.id, a.title),
        subtitle: match fig {
            Some(x) => format!("waterfall for {}, amounts in {cur}", x.result.period),
            None => format!("waterfall of the terms, amounts in {cur}"),
        },
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    let ar = fig.map(|x| x.agreement);
    let terms = fig
        .map(|x| a.terms_on(x.result.period.last_day()))
        .unwrap_or(0);

    // Revenue by source, then net receipts.
    let mut sources: Vec<Source> = crate::agreement::sources_paid(&a.terms[terms]);
    if let Some(ar) = ar {
        for s in ar.revenue_by_source.keys() {
            if !sources.contains(s) {
                sources.push(*s);
            }
        }
        sources.sort();
    }
    let receipts_lines = match ar {
        Some(ar) => {
            let mut v = vec![format!(
                "R = {} {cur} ({} line{})",
                m(ar.revenue),
                count(ar.lines as i64),
                if ar.lines == 1 { "" } else { "s" }
            )];
            for c in ar.conversions.iter().filter(|c| c.currency != cur) {
                v.push(format!(
                    "{} {} at {} = {} {cur}",
                    amount(Money(c.amount)),
                    c.currency,
                    c.rate,
                    cents(&c.converted)
                ));
            }
            v
        }
        None => vec![
            format!("in {cur}; other currencies converted"),
            "at the period-end rate".into(),
        ],
    };
    let receipts = f.add(
        RECEIPTS,
        None,
        Kind::Receipts,
        "net receipts".into(),
        receipts_lines,
    );
    for s in &sources {
        let lines = match ar {
            Some(ar) => {
                let rev = ar.revenue_by_source.get(s).cloned().unwrap_or_default();
                vec![
                    crate::report::figures::units(ar.units.get(s).copied().unwrap_or_default()),
                    format!("{} {cur}", cents(&rev)),
                ]
            }
            None => vec!["net receipts".into()],
        };
        let n = f.add(SOURCES, None, Kind::Source, s.name().into(), lines);
        // The source's box says its amount: the edge needs no label.
        f.edge(n, receipts, String::new());
    }

    // Milestones beside the receipts: what they raise and for whom.
    let mut milestone_nodes = Vec::new();
    for (mi, ms) in a.milestones.iter().enumerate() {
        // An event milestone has no mode: the event puts it in force for
        // its whole period (docs/arithmetic.md, step 4).
        let mode = match (&ms.metric, ms.mode) {
            (crate::agreement::Metric::Event { .. }, _) => "",
            (_, crate::agreement::Mode::Prospective) => " (prospective)",
            (_, crate::agreement::Mode::Retroactive) => " (retroactive)",
        };
        let mut lines = vec![format!("{}{mode}", crate::report::progress::what(a, ms))];
        if let Some(ar) = ar {
            lines.push(crate::report::progress::standing(a, ms, &ar.milestones[mi]));
        }
        for b in &ms.bonuses {
            lines.push(format!(
                "bonus {} {} ({})",
                a.parties[b.party].id,
                m(b.amount),
                if b.recoup == BonusRecoup::No {
                    "not recoupable"
                } else {
                    "recoupable"
                }
            ));
        }
        for (pi, perk) in &ms.perks {
            lines.push(format!("perk for {}: {perk}", a.parties[*pi].id));
        }
        milestone_nodes.push(f.add(
            RECEIPTS,
            None,
            Kind::Milestone,
            format!("milestone {}", ms.id),
            lines,
        ));
    }

    // Each party's column, then the label's.
    let label_col = a.parties.len();
    let label_lines = match ar {
        Some(ar) => {
            let mut v = vec![format!("retains {} {cur}", m(ar.label_retained))];
            let b = ar.bonuses();
            if !b.is_zero() {
                v.push(format!("pays bonuses {} {cur}", m(b)));
            }
            v
        }
        None => vec!["keeps what is not paid out".into()],
    };
    let label = f.add(
        PARTIES,
        Some(label_col),
        Kind::Label,
        "label".into(),
        label_lines,
    );
    f.edge(
        receipts,
        label,
        ar.map(|ar| m(ar.label_retained))
            .unwrap_or_else(|| "the rest".into()),
    );
    for (pi, p) in a.parties.iter().enumerate() {
        let pr: Option<&PartyResult> = ar.and_then(|ar| ar.parties.iter().find(|x| x.index == pi));
        // A party an amendment adds later is not in this waterfall yet.
        let joined = match (fig, pr) {
            (Some(_), Some(pr)) => pr.joined,
            _ => p.joins.is_none(),
        };
        if !joined {
            continue;
        }
        let mut lines = rates(a, terms, pi);
        if let Some(pr) = pr {
            lines.push(format!("earned {}", m(pr.flows.earned)));
        }
        let title = if p.role.is_empty() {
            p.id.clone()
        } else {
            format!("{} ({})", p.id, p.role)
        };
        let party = f.add(PARTIES, Some(pi), Kind::Party, title, lines);
        f.edge(
            receipts,
            party,
            pr.map(|x| m(x.flows.earned))
                .unwrap_or_else(|| "share".into()),
        );
        for (mi, ms) in a.milestones.iter().enumerate() {
            let incs: Vec<String> = ms
                .escalate
                .iter()
                .filter(|(x, _, _)| *x == pi)
                .map(|(_, s, inc)| format!("+{inc} {}", s.name()))
                .collect();
            if !incs.is_empty() {
                f.edge(milestone_nodes[mi], party, incs.join(", "));
            }
        }
        chain(&mut f, a, pi, party, pr.map(|x| &x.flows), pr);
    }
    // Drop the rows nobody uses, keeping the order.
    let mut used: Vec<usize> = f.nodes.iter().map(|n| n.layer).collect();
    used.sort_unstable();
    used.dedup();
    for n in f.nodes.iter_mut() {
        n.layer = used.iter().position(|l| *l == n.layer).unwrap_or(0);
    }
    f
}

/// One party's way from its earnings to its payment: a box per clause
/// that concerns it, each edge carrying what flows on (with a period).
fn chain(
    f: &mut Flow,
    a: &Agreement,
    pi: usize,
    start: usize,
    fl: Option<&Flows>,
    pr: Option<&PartyResult>,
) {
    let p = &a.parties[pi];
    let cur = a.currency;
    let mut at = start;
    // What flows down the party's edges: earned plus what was carried in.
    let mut flowing = fl.map(|x| x.carried_in + x.earned);
    let mut step = |f: &mut Flow,
                    layer: usize,
                    kind: Kind,
                    title: String,
                    lines: Vec<String>,
                    delta: Money,
                    flowing: &mut Option<Money>| {
        let n = f.add(layer, Some(pi), kind, title, lines);
        f.edge(at, n, flowing.map(m).unwrap_or_default());
        at = n;
        if let Some(x) = flowing.as_mut() {
            *x += delta;
        }
    };
    if let Some(r) = &a.reserve {
        let sources: Vec<&str> = r.sources.iter().map(|s| s.name()).collect();
        let mut lines = vec![format!(
            "{} of {} held against returns",
            percent_string(r.rate),
            sources.join(", ")
        )];
        if let Some(x) = fl {
            lines.push(format!(
                "held {}, released {}",
                m(x.reserved),
                m(x.released)
            ));
        }
        let d = fl.map(|x| x.released - x.reserved).unwrap_or_default();
        step(
            f,
            RESERVE,
            Kind::Step,
            "reserve".into(),
            lines,
            d,
            &mut flowing,
        );
    }
    if let Some(v) = p.vesting {
        let mut lines = vec![
            format!("vests over {} months from {}", v.months, v.start),
            format!("{}-month cliff", v.cliff_months),
        ];
        if let Some(x) = fl {
            lines.push(format!("held {} (net change)", m(x.unvested)));
            if !x.forfeited.is_zero() {
                lines.push(format!("forfeited {}", m(x.forfeited)));
            }
        }
        let d = fl.map(|x| -x.unvested - x.forfeited).unwrap_or_default();
        step(
            f,
            VESTING,
            Kind::Step,
            "vesting".into(),
            lines,
            d,
            &mut flowing,
        );
    }
    if let Some(g) = a.gate.as_ref().filter(|g| g.parties.contains(&pi)) {
        let mut lines = vec![
            format!("held until `{}` is recouped", a.advances[g.advance].id),
            format!("({})", if g.combined { "combined" } else { "net" }),
        ];
        if let Some(x) = fl {
            lines.push(if x.gated.is_negative() {
                format!("released {}", m(-x.gated))
            } else {
                format!("held {}", m(x.gated))
            });
        }
        let d = fl.map(|x| -x.gated).unwrap_or_default();
        step(
            f,
            GATE,
            Kind::Step,
            "record-one gate".into(),
            lines,
            d,
            &mut flowing,
        );
    }
    let own: Vec<&crate::agreement::Advance> =
        a.advances.iter().filter(|x| x.party == pi).collect();
    let recouped_elsewhere = pr.is_some_and(|x| !x.recoupments.is_empty());
    if !own.is_empty() || recouped_elsewhere {
        let mut lines = Vec::new();
        for adv in &own {
            lines.push(format!("advance `{}` {} {cur}", adv.id, m(adv.amount)));
            if !adv.cross_collateralize.is_empty() {
                lines.push(format!(
                    "cross-collateralized: {}",
                    adv.cross_collateralize.join(", ")
                ));
            }
        }
        if let Some(pr) = pr {
            for r in &pr.recoupments {
                lines.push(format!(
                    "recouped {} of `{}` ({})",
                    m(r.amount),
                    r.advance,
                    r.agreement
                ));
            }
            lines.push(format!("unrecouped after: {}", m(pr.flows.unrecouped)));
        }
        let d = fl.map(|x| -x.recouped).unwrap_or_default();
        step(
            f,
            ADVANCES,
            Kind::Step,
            "recoupment".into(),
            lines,
            d,
            &mut flowing,
        );
    }
    let bonuses: Vec<(String, &crate::agreement::Bonus)> = a
        .milestones
        .iter()
        .flat_map(|ms| {
            ms.bonuses
                .iter()
                .filter(|b| b.party == pi)
                .map(move |b| (ms.id.clone(), b))
        })
        .collect();
    if !bonuses.is_empty() {
        let mut lines: Vec<String> = bonuses
            .iter()
            .map(|(id, b)| format!("{} on reaching `{id}`", m(b.amount)))
            .collect();
        lines.push("paid once, by the label".into());
        if let Some(x) = fl {
            lines.push(format!("this period: {}", m(x.bonus)));
        }
        let d = fl.map(|x| x.bonus).unwrap_or_default();
        step(
            f,
            BONUS,
            Kind::Step,
            "milestone bonus".into(),
            lines,
            d,
            &mut flowing,
        );
    }
    let mut lines = vec![format!("paid when at least {} {cur}", m(a.payout.minimum))];
    if let Some(x) = fl {
        if x.carried_out.is_zero() {
            lines.push(format!("payable {}", m(x.payable)));
        } else {
            lines.push(format!("carried forward {}", m(x.carried_out)));
        }
    }
    let d = fl.map(|x| -x.carried_out).unwrap_or_default();
    step(
        f,
        MINIMUM,
        Kind::Step,
        "payout minimum".into(),
        lines,
        d,
        &mut flowing,
    );
    if !p.withholding.is_zero() {
        let mut lines = vec![format!("withholding {}", percent_string(p.withholding))];
        if let Some(x) = fl {
            lines.push(format!("withheld {}", m(x.withheld)));
        }
        let d = fl.map(|x| -x.withheld).unwrap_or_default();
        step(f, TAX, Kind::Step, "tax".into(), lines, d, &mut flowing);
    }
    let lines = match (fl, pr) {
        (Some(x), Some(pr)) => {
            let paid_in = x.paid_currency.unwrap_or(p.payout_currency);
            let mut v = vec![format!("{} {paid_in}", m(x.paid_amount))];
            if let Some(rate) = &pr.fx_rate {
                v.push(format!("{} {cur} at {rate}", m(x.paid)));
            }
            v
        }
        _ => vec![format!("in {}", p.payout_currency)],
    };
    step(
        f,
        PAYMENT,
        Kind::Payment,
        format!("paid to {}", p.id),
        lines,
        Money::ZERO,
        &mut flowing,
    );
}

/// Renders the flowchart.
pub fn render(f: &Flow, format: FlowFormat) -> String {
    match format {
        FlowFormat::Mermaid => text::mermaid(f),
        FlowFormat::Dot => text::dot(f),
        FlowFormat::Svg => layout::svg(f),
    }
}
