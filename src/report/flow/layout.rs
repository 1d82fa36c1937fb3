//! The flowchart as a self-contained SVG, laid out here: rows top to bottom
//! (sources, receipts and milestones, parties, then each clause down to the
//! payment), each party's chain in its own column so that it reads
//! straight down, boxes sized to their text (Helvetica metrics), edges as
//! curves with their figures on a white label.

use super::{Flow, Kind};
use crate::report::svg::{text_width, Anchor, Svg};

const MARGIN: f64 = 24.0;
const GAP_X: f64 = 26.0;
const GAP_Y: f64 = 56.0;
const TITLE: f64 = 12.5;
const LINE: f64 = 11.0;
const INK: &str = "#1f2933";
const MUTED: &str = "#4a5360";
const EDGE: &str = "#5b6472";

struct Placed {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

fn size(title: &str, lines: &[String]) -> (f64, f64) {
    let w = lines
        .iter()
        .map(|l| text_width(l, LINE, false))
        .fold(text_width(title, TITLE, true), f64::max);
    (w + 22.0, 26.0 + 15.0 * lines.len() as f64)
}

fn bezier(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let c = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
    (
        p.iter().zip(c).map(|(q, k)| q.0 * k).sum(),
        p.iter().zip(c).map(|(q, k)| q.1 * k).sum(),
    )
}

pub fn svg(f: &Flow) -> String {
    let sizes: Vec<(f64, f64)> = f.nodes.iter().map(|n| size(&n.title, &n.lines)).collect();
    let layers = f.nodes.iter().map(|n| n.layer).max().map_or(0, |l| l + 1);
    let columns = f
        .nodes
        .iter()
        .filter_map(|n| n.column)
        .max()
        .map_or(0, |c| c + 1);
    // Column widths: the widest box of each party's chain.
    let mut colw = vec![110.0f64; columns];
    for (n, (w, _)) in f.nodes.iter().zip(&sizes) {
        if let Some(c) = n.column {
            colw[c] = colw[c].max(*w);
        }
    }
    let grid: f64 = colw.iter().sum::<f64>() + GAP_X * (columns.saturating_sub(1)) as f64;
    let spread = |l: usize| -> f64 {
        let ws: Vec<f64> = f
            .nodes
            .iter()
            .zip(&sizes)
            .filter(|(n, _)| n.layer == l && n.column.is_none())
            .map(|(_, s)| s.0)
            .collect();
        ws.iter().sum::<f64>() + GAP_X * (ws.len().saturating_sub(1)) as f64
    };
    let title_w = text_width(&f.title, 17.0, true).max(text_width(&f.subtitle, 12.0, false));
    let inner = (0..layers).map(spread).fold(grid.max(title_w), f64::max);
    let width = inner + 2.0 * MARGIN;
    let heights: Vec<f64> = (0..layers)
        .map(|l| {
            f.nodes
                .iter()
                .zip(&sizes)
                .filter(|(n, _)| n.layer == l)
                .map(|(_, s)| s.1)
                .fold(0.0, f64::max)
        })
        .collect();
    let mut ys = Vec::with_capacity(layers);
    let mut y = 70.0;
    for h in &heights {
        ys.push(y);
        y += h + GAP_Y;
    }
    let height = y - GAP_Y + MARGIN;

    // Positions: columns centred in the width, spread rows centred too.
    let mut col_x = Vec::with_capacity(columns);
    let mut x = MARGIN + (inner - grid) / 2.0;
    for w in &colw {
        col_x.push(x + w / 2.0);
        x += w + GAP_X;
    }
    let mut next: Vec<f64> = (0..layers)
        .map(|l| MARGIN + (inner - spread(l)) / 2.0)
        .collect();
    let placed: Vec<Placed> = f
        .nodes
        .iter()
        .zip(&sizes)
        .map(|(n, &(w, h))| {
            let cx = match n.column {
                Some(c) => col_x[c],
                None => {
                    let x = next[n.layer] + w / 2.0;
                    next[n.layer] += w + GAP_X;
                    x
                }
            };
            Placed {
                x: cx - w / 2.0,
                y: ys[n.layer],
                w,
                h,
            }
        })
        .collect();

    let mut s = Svg::new(width, height);
    s.text(MARGIN, 30.0, &f.title, 17.0, Anchor::Start, true, INK);
    s.text(MARGIN, 50.0, &f.subtitle, 12.0, Anchor::Start, false, MUTED);
    // Edges first, under the boxes; their labels last, over everything.
    let mut labels = Vec::new();
    // Ports: a box's edges leave (and arrive) spread along its side, in the
    // order of the boxes at their other end, so that they do not cross.
    let centre = |i: usize| placed[i].x + placed[i].w / 2.0;
    let port = |node: usize, edge: usize, outgoing: bool| -> f64 {
        let mut mine: Vec<usize> = (0..f.edges.len())
            .filter(|&k| {
                if outgoing {
                    f.edges[k].from == node
                } else {
                    f.edges[k].to == node
                }
            })
            .collect();
        mine.sort_by(|&p, &q| {
            let other = |k: usize| {
                if outgoing {
                    f.edges[k].to
                } else {
                    f.edges[k].from
                }
            };
            centre(other(p))
                .total_cmp(&centre(other(q)))
                .then(p.cmp(&q))
        });
        let i = mine.iter().position(|&k| k == edge).unwrap_or(0) as f64;
        let b = &placed[node];
        let span = (b.w * 0.7).min(28.0 * mine.len() as f64);
        b.x + b.w / 2.0 - span / 2.0 + span * (i + 1.0) / (mine.len() as f64 + 1.0)
    };
    for (k, e) in f.edges.iter().enumerate() {
        let (a, b) = (&placed[e.from], &placed[e.to]);
        let (x1, y1, x2, y2) = (port(e.from, k, true), a.y + a.h, port(e.to, k, false), b.y);
        let from_milestone = f.nodes[e.from].kind == Kind::Milestone;
        if (x1 - x2).abs() < 0.5 {
            s.path(
                &format!(
                    "M{},{} L{},{}",
                    crate::report::svg::n(x1),
                    crate::report::svg::n(y1),
                    crate::report::svg::n(x2),
                    crate::report::svg::n(y2 - 1.0)
                ),
                EDGE,
                1.3,
                true,
            );
            if !e.label.is_empty() {
                labels.push((
                    x1 + 6.0,
                    (y1 + y2) / 2.0,
                    e.label.clone(),
                    Anchor::Start,
                    false,
                ));
            }
        } else {
            let dy = (y2 - y1) / 2.0;
            let p = [(x1, y1), (x1, y1 + dy), (x2, y2 - dy), (x2, y2 - 1.0)];
            let d = format!(
                "M{},{} C{},{} {},{} {},{}",
                crate::report::svg::n(p[0].0),
                crate::report::svg::n(p[0].1),
                crate::report::svg::n(p[1].0),
                crate::report::svg::n(p[1].1),
                crate::report::svg::n(p[2].0),
                crate::report::svg::n(p[2].1),
                crate::report::svg::n(p[3].0),
                crate::report::svg::n(p[3].1)
            );
            s.path(&d, if from_milestone { "#c98a1b" } else { EDGE }, 1.3, true);
            if !e.label.is_empty() {
                let (lx, ly) = bezier(p, if from_milestone { 0.45 } else { 0.6 });
                labels.push((lx, ly, e.label.clone(), Anchor::Middle, from_milestone));
            }
        }
    }
    for (n, p) in f.nodes.iter().zip(&placed) {
        let stroke = match n.kind {
            Kind::Milestone => "#c98a1b",
            Kind::Payment => "#3f8a46",
            _ => "#7b8694",
        };
        s.rect(
            p.x,
            p.y,
            p.w,
            p.h,
            super::text::fill_of(n.kind),
            stroke,
            7.0,
        );
        s.text(
            p.x + 11.0,
            p.y + 18.0,
            &n.title,
            TITLE,
            Anchor::Start,
            true,
            INK,
        );
        for (i, l) in n.lines.iter().enumerate() {
            s.text(
                p.x + 11.0,
                p.y + 34.0 + 15.0 * i as f64,
                l,
                LINE,
                Anchor::Start,
                false,
                MUTED,
            );
        }
    }
    for (x, y, text, anchor, warm) in labels {
        let w = text_width(&text, 10.0, false) + 8.0;
        let left = match anchor {
            Anchor::Start => x - 2.0,
            _ => x - w / 2.0,
        };
        s.rect(
            left,
            y - 9.0,
            w,
            14.0,
            "#ffffff",
            if warm { "#e9c27a" } else { "#d3d8de" },
            3.0,
        );
        let tx = match anchor {
            Anchor::Start => x + 2.0,
            _ => x,
        };
        s.text(
            tx,
            y + 2.0,
            &text,
            10.0,
            anchor,
            false,
            if warm { "#8a5a0c" } else { INK },
        );
    }
    s.finish(&format!("{}: {}", f.title, f.subtitle))
}
