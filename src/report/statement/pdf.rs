//! A statement as PDF (A4), written with `printpdf` and its built-in
//! Helvetica: no font file, no browser. The same document as the Markdown
//! and the HTML; amounts right-aligned with Helvetica's digit widths,
//! labelled bars drawn as filled rectangles.
//!
//! Deterministic: the document id, its dates (the statement date) and the
//! trailer's instance id are fixed, so the same statement gives the same
//! bytes. Layout coordinates are `f32` millimetres; no amount is ever one.

use super::{amount, cents, count, StatementDoc};
use printpdf::{
    BuiltinFont, Color, IndirectFontRef, Mm, PdfDocument, PdfDocumentReference, PdfLayerReference,
    Rect, Rgb,
};

const WIDTH: f32 = 210.0;
const HEIGHT: f32 = 297.0;
const MARGIN: f32 = 18.0;
const BODY: f32 = 9.0;
const LINE: f32 = 4.6;

/// Text for WinAnsi (the built-in fonts' encoding): the few characters our
/// documents use outside it get their plain equivalents.
fn ansi(s: &str) -> String {
    s.replace('−', "-").replace('→', "->")
}

/// Width in mm of `s` in Helvetica at `size` points, for right alignment.
/// Digits, separators and signs have fixed widths; other glyphs take an
/// average one (only numbers are right-aligned).
fn width(s: &str, size: f32) -> f32 {
    let units: f32 = s
        .chars()
        .map(|c| match c {
            '0'..='9' => 556.0,
            ',' | '.' | ' ' => 278.0,
            '-' => 333.0,
            '/' => 278.0,
            '%' => 889.0,
            'A'..='Z' => 667.0,
            _ => 500.0,
        })
        .sum();
    units / 1000.0 * size * 0.352_778
}

struct Writer {
    doc: PdfDocumentReference,
    layer: PdfLayerReference,
    regular: IndirectFontRef,
    bold: IndirectFontRef,
    y: f32,
    pages: usize,
}

/// A column: left edge (mm) and whether it is right-aligned at `x + w`.
#[derive(Clone, Copy)]
struct Col {
    x: f32,
    w: f32,
    right: bool,
}

impl Writer {
    fn new(title: &str, date: jiff::civil::Date, id: &str) -> Writer {
        let when = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .unwrap_or(0);
        let at = printpdf::OffsetDateTime::from_unix_timestamp(when)
            .unwrap_or(printpdf::OffsetDateTime::UNIX_EPOCH);
        let (doc, page, layer) = PdfDocument::new(title, Mm(WIDTH), Mm(HEIGHT), "statement");
        let doc = doc
            .with_document_id(id.to_string())
            .with_creation_date(at)
            .with_mod_date(at)
            .with_metadata_date(at)
            .with_producer("royalty")
            .with_creator("royalty");
        let regular = doc
            .add_builtin_font(BuiltinFont::Helvetica)
            .expect("built-in font");
        let bold = doc
            .add_builtin_font(BuiltinFont::HelveticaBold)
            .expect("built-in font");
        let layer = doc.get_page(page).get_layer(layer);
        Writer {
            doc,
            layer,
            regular,
            bold,
            y: HEIGHT - MARGIN,
            pages: 1,
        }
    }

    /// Room for `lines` more lines, or a new page.
    fn room(&mut self, lines: f32) {
        if self.y - lines * LINE < MARGIN {
            let (page, layer) =
                self.doc
                    .add_page(Mm(WIDTH), Mm(HEIGHT), format!("page {}", self.pages + 1));
            self.layer = self.doc.get_page(page).get_layer(layer);
            self.pages += 1;
            self.y = HEIGHT - MARGIN;
        }
    }

    fn text_at(&self, s: &str, size: f32, x: f32, bold: bool) {
        let font = if bold { &self.bold } else { &self.regular };
        self.layer
            .set_fill_color(Color::Rgb(Rgb::new(0.13, 0.13, 0.13, None)));
        self.layer.use_text(ansi(s), size, Mm(x), Mm(self.y), font);
    }

    fn line(&mut self, s: &str, size: f32, bold: bool) {
        self.room(1.0);
        self.text_at(s, size, MARGIN, bold);
        self.y -= LINE * size / BODY;
    }

    /// A paragraph wrapped to the page width (by characters: Helvetica at
    /// 9 pt fits about 95 per line).
    fn para(&mut self, s: &str, size: f32) {
        let per = (95.0 * BODY / size) as usize;
        let mut line = String::new();
        for word in s.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per {
                self.line(&line, size, false);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            self.line(&line, size, false);
        }
    }

    fn heading(&mut self, s: &str) {
        self.room(3.0);
        self.y -= LINE * 0.6;
        self.line(s, 11.0, true);
    }

    fn row(&mut self, cols: &[Col], cells: &[String], bold: bool) {
        self.room(1.0);
        for (c, cell) in cols.iter().zip(cells) {
            let x = if c.right {
                c.x + c.w - width(cell, BODY)
            } else {
                c.x
            };
            self.text_at(cell, BODY, x, bold);
        }
        self.y -= LINE;
    }

    /// A labelled bar: label, a bar `pct` percent of the track, the value.
    fn bar(&mut self, label: &str, pct: u32, value: &str) {
        self.room(1.0);
        self.text_at(label, BODY, MARGIN, false);
        let (x0, full) = (MARGIN + 28.0, 110.0);
        self.layer
            .set_fill_color(Color::Rgb(Rgb::new(0.93, 0.93, 0.93, None)));
        self.layer.add_rect(Rect::new(
            Mm(x0),
            Mm(self.y - 0.6),
            Mm(x0 + full),
            Mm(self.y + 2.6),
        ));
        if pct > 0 {
            self.layer
                .set_fill_color(Color::Rgb(Rgb::new(0.23, 0.43, 0.65, None)));
            self.layer.add_rect(Rect::new(
                Mm(x0),
                Mm(self.y - 0.6),
                Mm(x0 + full * pct.min(100) as f32 / 100.0),
                Mm(self.y + 2.6),
            ));
        }
        let right = WIDTH - MARGIN;
        self.text_at(value, BODY, right - width(value, BODY), false);
        self.y -= LINE;
    }

    fn finish(self, id: &str) -> Vec<u8> {
        let bytes = self.doc.save_to_bytes().expect("an in-memory PDF");
        // printpdf draws a random instance id into the trailer: fix it.
        match lopdf::Document::load_mem(&bytes) {
            Ok(mut d) => {
                let fixed =
                    lopdf::Object::String(id.as_bytes().to_vec(), lopdf::StringFormat::Literal);
                d.trailer
                    .set("ID", lopdf::Object::Array(vec![fixed.clone(), fixed]));
                name_the_layers(&mut d);
                let mut out = Vec::new();
                match d.save_to(&mut out) {
                    Ok(()) => out,
                    Err(_) => bytes,
                }
            }
            Err(_) => bytes,
        }
    }
}

/// printpdf names "Adobe Illustrator 14.0" as the creator of every layer
/// (optional content group): the statement's layers are royalty's, with
/// no version, so the bytes stay the same from release to release.
fn name_the_layers(d: &mut lopdf::Document) {
    for object in d.objects.values_mut() {
        let lopdf::Object::Dictionary(dict) = object else {
            continue;
        };
        let is_layer = dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|n| n == b"OCG");
        if is_layer && dict.has(b"CreatorInfo") {
            let mut info = lopdf::Dictionary::new();
            info.set(
                "Creator",
                lopdf::Object::String(b"royalty".to_vec(), lopdf::StringFormat::Literal),
            );
            info.set("Subtype", lopdf::Object::Name(b"Artwork".to_vec()));
            dict.set("CreatorInfo", lopdf::Object::Dictionary(info));
        }
    }
}

fn cols(spec: &[(f32, bool)]) -> Vec<Col> {
    let mut x = MARGIN;
    spec.iter()
        .map(|&(w, right)| {
            let c = Col { x, w, right };
            x += w + 2.0;
            c
        })
        .collect()
}

pub fn render(d: &StatementDoc) -> Vec<u8> {
    let c = d.currency;
    let title = format!("Royalty statement: {} - {}", d.name, d.period);
    let mut w = Writer::new(&title, d.statement_date, &d.reference);
    if let Some(s) = &d.sender {
        w.line(&s.name, 12.0, true);
        if !s.address.is_empty() {
            w.line(&s.address, BODY, false);
        }
        w.y -= LINE * 0.5;
    }
    w.line(
        &format!("Royalty statement: {} ({})", d.name, d.role),
        15.0,
        true,
    );
    w.y -= LINE * 0.3;
    for (k, v) in [
        ("Statement date", d.statement_date.to_string()),
        (
            "Period",
            format!(
                "{} ({} to {})",
                d.period,
                d.period.first_day(),
                d.period.last_day()
            ),
        ),
        (
            "Agreement",
            format!("{} ({})", d.agreement_title, d.agreement),
        ),
        ("Payment reference", d.reference.clone()),
        ("Amounts in", c.to_string()),
    ] {
        w.row(
            &cols(&[(36.0, false), (130.0, false)]),
            &[k.into(), v],
            false,
        );
    }

    w.heading("Earnings by source");
    if d.sources.is_empty() && d.catch_ups.is_empty() {
        w.line("No earnings this period.", BODY, false);
    } else {
        for s in &d.sources {
            w.bar(
                s.source.name(),
                s.width,
                &format!("{} {c}", amount(s.shown)),
            );
        }
        w.y -= LINE * 0.4;
        let t = cols(&[(34.0, false), (34.0, true), (30.0, true), (34.0, true)]);
        w.row(
            &t,
            &[
                "source".into(),
                "net receipts".into(),
                "units".into(),
                "earnings".into(),
            ],
            true,
        );
        for s in &d.sources {
            w.row(
                &t,
                &[
                    s.source.name().into(),
                    cents(&s.receipts),
                    count(s.units),
                    amount(s.shown),
                ],
                false,
            );
            w.para(&format!("    rates: {}", s.rates.join("; ")), 8.0);
            w.y -= LINE * 0.3;
        }
        for x in &d.catch_ups {
            w.row(
                &t,
                &[
                    format!("{} (earlier)", x.source.name()),
                    cents(&x.base),
                    String::new(),
                    amount(x.shown),
                ],
                false,
            );
            w.para(
                &format!("    rate: +{} ({} catch-up)", x.rate, x.milestone),
                8.0,
            );
        }
        w.row(
            &t,
            &[
                "total".into(),
                String::new(),
                String::new(),
                amount(d.earned),
            ],
            true,
        );
        w.para(
            &format!(
                "The total is the exact sum ({}) rounded once to the cent (docs/arithmetic.md, step 5); the rows share it out to the cent by the largest remainder, so they add up to it.",
                d.earned_exact
            ),
            8.0,
        );
    }
    if !d.tracks.is_empty() {
        w.heading("Earnings by track");
        let t = cols(&[
            (52.0, false),
            (26.0, false),
            (20.0, false),
            (26.0, true),
            (22.0, true),
            (24.0, true),
        ]);
        w.row(
            &t,
            &[
                "track".into(),
                "ISRC".into(),
                "source".into(),
                "receipts".into(),
                "units".into(),
                "earnings".into(),
            ],
            true,
        );
        for r in &d.tracks {
            let title: String = r.title.chars().take(30).collect();
            w.row(
                &t,
                &[
                    title,
                    r.isrc.to_string(),
                    r.source.name().into(),
                    cents(&r.receipts),
                    count(r.units),
                    amount(r.shown),
                ],
                false,
            );
            w.para(&format!("    rates: {}", r.rates.join("; ")), 8.0);
            w.y -= LINE * 0.3;
        }
        for x in &d.catch_ups {
            w.row(
                &t,
                &[
                    format!("{} catch-up", x.milestone),
                    "no track".into(),
                    x.source.name().into(),
                    cents(&x.base),
                    String::new(),
                    amount(x.shown),
                ],
                false,
            );
            w.para(&format!("    rate: +{} (earlier periods)", x.rate), 8.0);
            w.y -= LINE * 0.3;
        }
    }
    if !d.conversions.is_empty() {
        w.heading(&format!("Conversions into {c} (rate of the period end)"));
        let t = cols(&[(20.0, false), (34.0, true), (40.0, true), (34.0, true)]);
        for v in &d.conversions {
            w.row(
                &t,
                &[
                    v.currency.to_string(),
                    cents(&v.amount),
                    v.rate.to_string(),
                    cents(&v.converted),
                ],
                false,
            );
        }
    }
    w.heading("From earned to paid");
    let t = cols(&[(80.0, false), (36.0, true)]);
    for s in &d.steps {
        w.row(
            &t,
            &[s.label.into(), format!("{}{}", s.sign, amount(s.amount))],
            false,
        );
    }
    w.y -= LINE * 0.5;
    w.line(
        &format!("Payment: {}", super::html::paid_line(d)),
        12.0,
        true,
    );
    if !d.advances.is_empty() {
        w.heading("Advances");
        let t = cols(&[
            (40.0, false),
            (28.0, true),
            (32.0, true),
            (28.0, true),
            (28.0, true),
        ]);
        w.row(
            &t,
            &[
                "advance".into(),
                "amount".into(),
                "recouped before".into(),
                "this period".into(),
                "remaining".into(),
            ],
            true,
        );
        for a in &d.advances {
            w.row(
                &t,
                &[
                    a.id.clone(),
                    amount(a.amount),
                    amount(a.recouped_before),
                    amount(a.recouped),
                    amount(a.remaining),
                ],
                false,
            );
        }
    }
    if !d.reserves.is_empty() {
        w.heading("Reserves held");
        let t = cols(&[(60.0, false), (30.0, true)]);
        for r in &d.reserves {
            w.row(
                &t,
                &[
                    format!("released with the close of {}", r.release),
                    amount(r.amount),
                ],
                false,
            );
        }
    }
    if !d.milestones.is_empty() || !d.perks.is_empty() {
        w.heading("Milestones");
        for m in &d.milestones {
            w.para(&format!("- {m}"), BODY);
        }
        for p in &d.perks {
            w.para(&format!("- perk unlocked: {p}"), BODY);
        }
    }
    if !d.disputes.is_empty() {
        w.heading("Disputes");
        for x in &d.disputes {
            w.para(&format!("- {x}"), BODY);
        }
    }
    if !d.notes.is_empty() {
        w.heading("Notes");
        for n in &d.notes {
            w.para(&format!("- {n}"), BODY);
        }
    }
    if let Some((days, until)) = d.objection {
        w.y -= LINE * 0.5;
        w.para(
            &format!(
                "Objections: this statement binds on {until}, {days} days after its date, unless challenged in writing before then."
            ),
            8.0,
        );
    }
    let id = d.reference.clone();
    w.finish(&id)
}
