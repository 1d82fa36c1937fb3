//! A small SVG writer shared by the flowcharts (`report::flow`), the
//! dashboard and the what-if sweep charts: shapes and text with escaping,
//! text widths measured with Helvetica's metrics (so boxes fit their words
//! without a browser), and deterministic number formatting (one decimal),
//! so the same figures give the same bytes.
//!
//! Coordinates are display positions, never money: an amount becomes a
//! length only through `scale`, which is exact up to the pixel.

pub mod chart;

use std::fmt::Write;

/// Helvetica's advance widths (per 1000 em) for ASCII 32..=126.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    278, 278, 584, 584, 584, 556, 1015, // :;<=>?@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, // A-Z
    278, 278, 278, 469, 556, 333, // [\]^_`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, // a-z
    334, 260, 334, 584, // {|}~
];

/// The width of `s` at `size` px in Helvetica (bold a little wider).
pub fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    let em: u32 = s
        .chars()
        .map(|c| {
            let i = c as u32;
            if (32..=126).contains(&i) {
                u32::from(WIDTHS[(i - 32) as usize])
            } else {
                556
            }
        })
        .sum();
    let w = f64::from(em) * size / 1000.0;
    if bold {
        w * 1.07
    } else {
        w
    }
}

/// Escapes text for XML and HTML (the one escaping of `report::safe`).
pub fn esc(s: &str) -> String {
    crate::report::safe::html(s)
}

/// A coordinate with one decimal, "-0.0" written "0".
pub fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being drawn.
pub struct Svg {
    pub width: f64,
    pub height: f64,
    body: String,
}

pub const FONT: &str = "Helvetica, Arial, sans-serif";

impl Svg {
    pub fn new(width: f64, height: f64) -> Svg {
        Svg {
            width,
            height,
            body: String::new(),
        }
    }

    // Drawing primitives take their coordinates as SVG does.
    #[allow(clippy::too_many_arguments)]
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, stroke: &str, rx: f64) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" stroke="{stroke}"/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            n(rx)
        );
    }

    /// A rectangle with a tooltip (`<title>`), for bars.
    pub fn rect_titled(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, title: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"><title>{}</title></rect>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            esc(title)
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f64,
        y: f64,
        s: &str,
        size: f64,
        anchor: Anchor,
        bold: bool,
        fill: &str,
    ) {
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}" text-anchor="{}"{} fill="{fill}">{}</text>"#,
            n(x),
            n(y),
            n(size),
            anchor.name(),
            if bold { r#" font-weight="bold""# } else { "" },
            esc(s)
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub fn line(
        &mut self,
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: &str,
        width: f64,
        dash: bool,
    ) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{}"{}/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            n(width),
            if dash {
                r#" stroke-dasharray="4 3""#
            } else {
                ""
            }
        );
    }

    /// A path (`d` already written with `n`), optionally ending in the arrow.
    pub fn path(&mut self, d: &str, stroke: &str, width: f64, arrow: bool) {
        let _ = writeln!(
            self.body,
            r#"<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{}"{}/>"#,
            n(width),
            if arrow {
                r#" marker-end="url(#arrow)""#
            } else {
                ""
            }
        );
    }

    /// A line through `points`; `dash` is an SVG dash pattern ("6 3"), or
    /// empty for a solid line.
    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64, dash: &str) {
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
            .collect();
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let _ = writeln!(
            self.body,
            r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="{}" stroke-linejoin="round"{dash}/>"#,
            pts.join(" "),
            n(width)
        );
    }

    pub fn circle(&mut self, x: f64, y: f64, r: f64, fill: &str) {
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}"/>"#,
            n(x),
            n(y),
            n(r)
        );
    }

    /// The document: standalone (with the XML namespace), white background,
    /// an arrow marker for paths, and `title` for screen readers.
    pub fn finish(self, title: &str) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" role="img">"#,
            w = n(self.width),
            h = n(self.height)
        );
        let _ = writeln!(o, "<title>{}</title>", esc(title));
        o.push_str(
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#5b6472\"/></marker></defs>\n",
        );
        let _ = writeln!(
            o,
            r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
            n(self.width),
            n(self.height)
        );
        o.push_str(&self.body);
        o.push_str("</svg>\n");
        o
    }
}

/// Colours per source, the same in every chart.
pub fn source_colour(i: usize) -> &'static str {
    const C: [&str; 9] = [
        "#2f6db5", "#e08a2e", "#4c9a52", "#c4463a", "#8a63b8", "#8c6d5a", "#d46aa8", "#7f7f7f",
        "#b5b02f",
    ];
    C[i % C.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_escaping() {
        assert_eq!(text_width("0", 10.0, false), 5.56);
        assert!(text_width("mmm", 12.0, false) > text_width("iii", 12.0, false));
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(n(1.25), "1.3");
        assert_eq!(n(-0.01), "0");
        assert_eq!(n(12.0), "12");
    }

    #[test]
    fn a_document_is_one_svg_element() {
        let mut s = Svg::new(100.0, 50.0);
        s.text(10.0, 20.0, "R&D", 12.0, Anchor::Start, true, "#000");
        let doc = s.finish("t");
        assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(doc.contains(">R&amp;D</text>"));
        assert!(doc.trim_end().ends_with("</svg>"));
    }
}
