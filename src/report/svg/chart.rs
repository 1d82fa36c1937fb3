//! Charts drawn with `Svg`: stacked bars (revenue per period and source),
//! progress bars (recoupment, milestones) and line charts with marked
//! points (what-if sweeps). Values are exact decimals; they become pixel
//! positions only here, for display.

use super::{n, source_colour, text_width, Anchor, Svg};
use crate::report::figures::thousands;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const INK: &str = "#1f2933";
const MUTED: &str = "#5b6472";
const GRID: &str = "#e3e7ec";

fn px(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten.
pub fn nice_max(max: Decimal) -> Decimal {
    if max <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let mut step = Decimal::ONE;
    while step * Decimal::TEN <= max {
        step *= Decimal::TEN;
    }
    while step > max {
        step /= Decimal::TEN;
    }
    for m in [1, 2, 5, 10] {
        let c = step * Decimal::from(m);
        if c >= max {
            return c;
        }
    }
    step * Decimal::TEN
}

/// Axis numbers for people: 20000000 -> "20M", 2500 -> "2,500".
pub fn short(d: Decimal) -> String {
    let a = d.abs();
    let (v, suffix) = if a >= Decimal::from(1_000_000_000) {
        (d / Decimal::from(1_000_000_000), "B")
    } else if a >= Decimal::from(1_000_000) {
        (d / Decimal::from(1_000_000), "M")
    } else {
        return thousands(d.round_dp(2));
    };
    format!("{}{suffix}", v.round_dp(2).normalize())
}

/// Stacked bars: one bar per category (a period), one segment per series
/// (a source), with a legend. `values[category][series]` are the parts of
/// the category's total as shown (`figures::apportion`): positive segments
/// stack up from the zero line, negative ones (returns, refunds) down from
/// it, and the label over the bar is the net total, so the bar says what
/// the period's revenue is, not what its positive sources are.
pub struct Stacked<'a> {
    pub title: &'a str,
    pub unit: &'a str,
    pub categories: &'a [String],
    pub series: &'a [(String, usize)],
    pub values: &'a [Vec<Decimal>],
}

/// The axis of stacked bars: a tick step, and how many steps above and
/// below zero. Without negative values, four steps up to a nice maximum.
fn stacked_axis(up: Decimal, down: Decimal) -> (Decimal, u32, u32) {
    let top = nice_max(up.max(down));
    let step = top / Decimal::from(4);
    let steps = |v: Decimal| (v / step).ceil().to_u32().unwrap_or(4);
    if down.is_zero() {
        (step, 4, 0)
    } else {
        (step, steps(up), steps(down).max(1))
    }
}

/// A bar's net total over it: an amount to the cent, or short when huge.
fn bar_total(d: Decimal) -> String {
    if d.abs() >= Decimal::from(1_000_000) {
        short(d)
    } else {
        crate::report::figures::amount(crate::money::Money(d))
    }
}

pub fn stacked(c: &Stacked) -> String {
    let (left, top, bar_w, gap, h) = (70.0, 34.0, 46.0, 26.0, 170.0);
    let plot_w = c.categories.len() as f64 * (bar_w + gap) + gap;
    let legend_w: f64 = c
        .series
        .iter()
        .map(|(s, _)| text_width(s, 11.0, false) + 26.0)
        .sum();
    let width = (left + plot_w + 20.0).max(legend_w + left).max(320.0);
    let height = top + h + 62.0;
    let mut s = Svg::new(width, height);
    s.text(left, 18.0, c.title, 13.0, Anchor::Start, true, INK);
    let sum = |v: &Vec<Decimal>, neg: bool| -> Decimal {
        v.iter().filter(|x| x.is_sign_negative() == neg).sum()
    };
    let up = c
        .values
        .iter()
        .map(|v| sum(v, false))
        .max()
        .unwrap_or_default();
    let down = c
        .values
        .iter()
        .map(|v| -sum(v, true))
        .max()
        .unwrap_or_default();
    let (step, above, below) = stacked_axis(up, down);
    let span = px(step) * f64::from(above + below);
    let y_of = |v: Decimal| top + h - h * (px(v) + px(step) * f64::from(below)) / span;
    for k in 0..=(above + below) {
        let v = step * (Decimal::from(k) - Decimal::from(below));
        let y = y_of(v);
        s.line(left, y, left + plot_w, y, GRID, 1.0, false);
        s.text(
            left - 6.0,
            y + 4.0,
            &short(v),
            10.0,
            Anchor::End,
            false,
            MUTED,
        );
    }
    for (i, cat) in c.categories.iter().enumerate() {
        let x = left + gap + i as f64 * (bar_w + gap);
        let (mut pos, mut neg) = (Decimal::ZERO, Decimal::ZERO);
        for (j, (name, colour)) in c.series.iter().enumerate() {
            let v = c.values[i].get(j).copied().unwrap_or_default();
            if v.is_zero() {
                continue;
            }
            // A segment spans from the stack's edge to the edge plus v.
            let edge = if v.is_sign_negative() {
                &mut neg
            } else {
                &mut pos
            };
            let (from, to) = (*edge, *edge + v);
            *edge = to;
            let (y0, y1) = (y_of(from), y_of(to));
            s.rect_titled(
                x,
                y0.min(y1),
                bar_w,
                (y1 - y0).abs(),
                source_colour(*colour),
                &format!(
                    "{cat} {name}: {} {}",
                    crate::report::figures::amount(crate::money::Money(v)),
                    c.unit
                ),
            );
        }
        s.text(
            x + bar_w / 2.0,
            y_of(pos) - 4.0,
            &bar_total(pos + neg),
            10.0,
            Anchor::Middle,
            false,
            INK,
        );
        s.text(
            x + bar_w / 2.0,
            top + h + 15.0,
            cat,
            10.5,
            Anchor::Middle,
            false,
            INK,
        );
    }
    let mut lx = left;
    for (name, colour) in c.series {
        s.rect(
            lx,
            top + h + 30.0,
            10.0,
            10.0,
            source_colour(*colour),
            "none",
            2.0,
        );
        s.text(
            lx + 14.0,
            top + h + 39.0,
            name,
            11.0,
            Anchor::Start,
            false,
            INK,
        );
        lx += text_width(name, 11.0, false) + 26.0;
    }
    s.finish(&format!("{} ({})", c.title, c.unit))
}

/// A progress bar: `done` of `total`, the caption under it.
pub fn progress(title: &str, done: Decimal, total: Decimal, caption: &str, colour: &str) -> String {
    let (w, h) = (420.0, 54.0);
    let mut s = Svg::new(w, h);
    s.text(0.0, 14.0, title, 12.0, Anchor::Start, true, INK);
    s.rect(0.0, 20.0, w, 14.0, GRID, "none", 7.0);
    let f = if total > Decimal::ZERO {
        (px(done) / px(total)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    if f > 0.0 {
        s.rect(0.0, 20.0, (w * f).max(14.0), 14.0, colour, "none", 7.0);
    }
    s.text(0.0, 48.0, caption, 11.0, Anchor::Start, false, MUTED);
    s.finish(title)
}

/// A line chart of several series against a swept value, with vertical
/// markers (milestone thresholds, the recoupment point).
pub struct Lines<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub xs: &'a [Decimal],
    pub series: &'a [(String, Vec<Decimal>)],
    pub markers: &'a [(Decimal, String)],
}

pub fn lines(c: &Lines) -> String {
    let (left, top, w, h) = (80.0, 40.0, 640.0, 300.0);
    let legend_rows = c.series.len() as f64;
    let height = top + h + 56.0 + legend_rows * 16.0;
    let width = left + w + 40.0;
    let mut s = Svg::new(width, height);
    s.text(left, 20.0, c.title, 14.0, Anchor::Start, true, INK);
    let xmin = c.xs.first().copied().unwrap_or_default();
    let xmax = c.xs.last().copied().unwrap_or(Decimal::ONE);
    let span = if xmax > xmin {
        xmax - xmin
    } else {
        Decimal::ONE
    };
    let ymax = nice_max(
        c.series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .max()
            .unwrap_or_default(),
    );
    let x_at = |x: Decimal| left + w * px(x - xmin) / px(span);
    let y_at = |y: Decimal| top + h - h * px(y.max(Decimal::ZERO)) / px(ymax);
    for k in 0..=5 {
        let v = ymax * Decimal::from(k) / Decimal::from(5);
        let y = y_at(v);
        s.line(left, y, left + w, y, GRID, 1.0, false);
        s.text(
            left - 6.0,
            y + 4.0,
            &short(v),
            10.0,
            Anchor::End,
            false,
            MUTED,
        );
    }
    for k in 0..=4 {
        let v = xmin + span * Decimal::from(k) / Decimal::from(4);
        s.text(
            x_at(v),
            top + h + 16.0,
            &short(v),
            10.0,
            Anchor::Middle,
            false,
            MUTED,
        );
    }
    s.text(
        left + w / 2.0,
        top + h + 34.0,
        c.x_label,
        11.0,
        Anchor::Middle,
        false,
        INK,
    );
    s.text(14.0, top - 10.0, c.y_label, 11.0, Anchor::Start, false, INK);
    for (i, (x, label)) in c.markers.iter().enumerate() {
        if *x < xmin || *x > xmax {
            continue;
        }
        let px_ = x_at(*x);
        s.line(px_, top, px_, top + h, "#c4463a", 1.2, true);
        // Labels step down so that neighbouring markers do not collide.
        let y = top + 12.0 + (i % 4) as f64 * 14.0;
        let anchor = if px_ > left + w * 0.7 {
            Anchor::End
        } else {
            Anchor::Start
        };
        let dx = if anchor == Anchor::End { -4.0 } else { 4.0 };
        s.text(px_ + dx, y, label, 10.5, anchor, false, "#9b2f25");
    }
    for (i, (name, ys)) in c.series.iter().enumerate() {
        let pts: Vec<(f64, f64)> =
            c.xs.iter()
                .zip(ys)
                .map(|(x, y)| (x_at(*x), y_at(*y)))
                .collect();
        // The palette has nine colours: past them, the colours come back
        // dashed, then dotted, so no two lines look alike.
        let dash = line_dash(i);
        s.polyline(&pts, source_colour(i), 2.0, dash);
        let ly = top + h + 52.0 + i as f64 * 16.0;
        s.polyline(
            &[(left - 2.0, ly - 4.0), (left + 12.0, ly - 4.0)],
            source_colour(i),
            3.0,
            dash,
        );
        s.text(left + 16.0, ly, name, 11.0, Anchor::Start, false, INK);
    }
    let _ = n;
    s.finish(c.title)
}

/// The dash of the `i`th line: solid for the first nine (one colour each),
/// then dashed, then dotted.
fn line_dash(i: usize) -> &'static str {
    match (i / 9) % 3 {
        0 => "",
        1 => "6 3",
        _ => "2 3",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn nice_bounds_and_short_numbers() {
        assert_eq!(nice_max(dec("1234")), dec("2000"));
        assert_eq!(nice_max(dec("20000000")), dec("20000000"));
        assert_eq!(nice_max(dec("0.3")), dec("0.5"));
        assert_eq!(short(dec("20000000")), "20M");
        assert_eq!(short(dec("2500")), "2,500");
        assert_eq!(short(dec("1250000")), "1.25M");
    }

    #[test]
    fn no_two_lines_look_alike() {
        let looks: std::collections::BTreeSet<(&str, &str)> =
            (0..27).map(|i| (source_colour(i), line_dash(i))).collect();
        assert_eq!(looks.len(), 27);
    }

    #[test]
    fn stacked_bars_have_room_below_zero_for_returns() {
        // Positive only: four steps up to the nice maximum, as ever.
        assert_eq!(stacked_axis(dec("6295.29"), dec("0")), (dec("2500"), 4, 0));
        // A 600.00 refund: steps of the same size below zero.
        assert_eq!(
            stacked_axis(dec("6295.29"), dec("600")),
            (dec("2500"), 3, 1)
        );
        // Only returns: nothing above zero.
        assert_eq!(stacked_axis(dec("0"), dec("30")), (dec("12.5"), 0, 3));
    }

    #[test]
    fn a_negative_segment_is_drawn_and_the_label_is_the_net_total() {
        let svg = stacked(&Stacked {
            title: "t",
            unit: "EUR",
            categories: &["2026-Q2".to_string()],
            series: &[("streaming".into(), 0), ("sync".into(), 4)],
            values: &[vec![dec("6295.29"), dec("-600.00")]],
        });
        assert!(svg.contains("2026-Q2 sync: -600.00 EUR"), "{svg}");
        assert!(svg.contains(">5,695.29</text>"), "{svg}");
        assert!(!svg.contains(">6,295.29</text>"), "{svg}");
    }
}
