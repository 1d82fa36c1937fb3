//! The flowchart as text for the usual tools: Mermaid (`flowchart TD`,
//! for Markdown renderers and mermaid.live) and DOT (Graphviz, with the
//! rows as ranks).

use super::{Flow, Kind};
use std::fmt::Write;

fn fill(k: Kind) -> &'static str {
    match k {
        Kind::Source => "#e8f0fb",
        Kind::Receipts => "#dfe9f7",
        Kind::Milestone => "#fdf1dc",
        Kind::Party => "#e6f4e7",
        Kind::Label => "#eeeeee",
        Kind::Step => "#ffffff",
        Kind::Payment => "#d8efd9",
    }
}

fn class(k: Kind) -> &'static str {
    match k {
        Kind::Source => "source",
        Kind::Receipts => "receipts",
        Kind::Milestone => "milestone",
        Kind::Party => "party",
        Kind::Label => "label",
        Kind::Step => "step",
        Kind::Payment => "payment",
    }
}

/// Mermaid text: `"` and `#` are entities, `<br/>` breaks lines.
fn mm(s: &str) -> String {
    s.replace('#', "#35;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

pub fn mermaid(f: &Flow) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "---\ntitle: \"{}\"\n---",
        mm(&format!("{} ({})", f.title, f.subtitle))
    );
    let _ = writeln!(o, "flowchart TD");
    for (i, n) in f.nodes.iter().enumerate() {
        let mut text = format!("<b>{}</b>", mm(&n.title));
        for l in &n.lines {
            let _ = write!(text, "<br/>{}", mm(l));
        }
        let _ = writeln!(o, "  n{i}[\"{text}\"]:::{}", class(n.kind));
    }
    for e in &f.edges {
        if e.label.is_empty() {
            let _ = writeln!(o, "  n{} --> n{}", e.from, e.to);
        } else {
            let _ = writeln!(o, "  n{} -->|\"{}\"| n{}", e.from, mm(&e.label), e.to);
        }
    }
    for k in [
        Kind::Source,
        Kind::Receipts,
        Kind::Milestone,
        Kind::Party,
        Kind::Label,
        Kind::Step,
        Kind::Payment,
    ] {
        let _ = writeln!(
            o,
            "  classDef {} fill:{},stroke:#5b6472,color:#1f2933",
            class(k),
            fill(k)
        );
    }
    o
}

/// DOT text: `"` and `\` escaped, lines joined with `\n`.
fn dq(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn dot(f: &Flow) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "digraph waterfall {{");
    let _ = writeln!(
        o,
        "  graph [rankdir=TB, fontname=\"Helvetica\", labelloc=t, label=\"{}\\n{}\", nodesep=0.3, ranksep=0.5];",
        dq(&f.title),
        dq(&f.subtitle)
    );
    let _ = writeln!(o, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, color=\"#5b6472\"];");
    let _ = writeln!(
        o,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#5b6472\"];"
    );
    for (i, n) in f.nodes.iter().enumerate() {
        let mut label = dq(&n.title);
        for l in &n.lines {
            let _ = write!(label, "\\n{}", dq(l));
        }
        let _ = writeln!(
            o,
            "  n{i} [label=\"{label}\", fillcolor=\"{}\"];",
            fill(n.kind)
        );
    }
    for e in &f.edges {
        let _ = writeln!(
            o,
            "  n{} -> n{} [label=\"{}\"];",
            e.from,
            e.to,
            dq(&e.label)
        );
    }
    let layers = f.nodes.iter().map(|n| n.layer).max().map_or(0, |l| l + 1);
    for l in 0..layers {
        let ids: Vec<String> = f
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.layer == l)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        let _ = writeln!(o, "  {{ rank=same; {}; }}", ids.join("; "));
    }
    let _ = writeln!(o, "}}");
    o
}

pub(super) fn fill_of(k: Kind) -> &'static str {
    fill(k)
}
