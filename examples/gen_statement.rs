//! Generates a large, deterministic statement for the benchmark (`bench/`).
//!
//! ```text
//! cargo run --release --example gen_statement -- <lines> <out> [--format canonical|distrokid] [--seed N]
//! ```
//!
//! - `canonical` (default): the canonical statement CSV of SPEC 2.3,
//!   `period,isrc,source,territory,store,units,amount,currency`, ~62 bytes a
//!   line (5,000,000 lines is about 310 MB).
//! - `distrokid`: the same lines (same ISRCs, months, units and amounts, in the
//!   same order) as a DistroKid "Excel / TSV" bank export.
//!
//! The lines: 200 ISRCs `QZBEN2600001`..`QZBEN2600200` (the 20 agreements
//! in `bench/agreements/` cover 10 each), usage months 2026-01..2026-03,
//! the source mix of a real streaming statement (~88% streaming, ~6% video,
//! ~4% download, ~1% physical, the rest sync/licensing/performance), ~30
//! territories, all in USD, 0.2% returns (negative units and amount).
//! Amounts are built as integer micro-dollars (never floating point) and
//! printed with exactly 6 decimals.
//!
//! The same `<lines>` and `--seed` always give the same bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// splitmix64: tiny, fast, good enough statistically, fully deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0), by multiply-shift (no modulo bias worth
    /// mentioning for the small n used here).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }
    /// Uniform in `0..1_000_000` (parts per million).
    fn ppm(&mut self) -> u64 {
        self.below(1_000_000)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Streaming,
    Video,
    Download,
    Physical,
    Sync,
    Licensing,
    Performance,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Streaming => "streaming",
            Source::Video => "video",
            Source::Download => "download",
            Source::Physical => "physical",
            Source::Sync => "sync",
            Source::Licensing => "licensing",
            Source::Performance => "performance",
        }
    }
}

/// Cumulative source mix, in parts per million.
const SOURCE_MIX: [(u64, Source); 7] = [
    (880_000, Source::Streaming),
    (940_000, Source::Video),
    (980_000, Source::Download),
    (990_000, Source::Physical),
    (991_000, Source::Sync),
    (994_000, Source::Licensing),
    (1_000_000, Source::Performance),
];

/// A store: name, relative weight within its source, base price per unit in
/// micro-USD (for sync/licensing/performance: per line, units being 1 or a
/// small count).
type Store = (&'static str, u64, u64);

const STREAMING: &[Store] = &[
    ("Spotify", 50, 3_400),
    ("Apple Music", 18, 6_800),
    ("Amazon Unlimited", 8, 4_900),
    ("YouTube Music", 7, 2_100),
    ("Deezer", 5, 4_100),
    ("Tidal", 3, 9_200),
    ("Pandora", 4, 1_300),
    ("SoundCloud", 3, 2_500),
    ("Napster", 1, 6_000),
    ("Anghami", 1, 1_100),
];
const VIDEO: &[Store] = &[
    ("YouTube (Ads)", 60, 700),
    ("YouTube (ContentID)", 15, 500),
    ("TikTok", 15, 300),
    ("Facebook", 10, 400),
];
const DOWNLOAD: &[Store] = &[
    ("iTunes", 60, 690_000),
    ("Amazon", 25, 640_000),
    ("Beatport", 10, 1_050_000),
    ("Bandcamp", 5, 850_000),
];
const PHYSICAL: &[Store] = &[
    ("Label Mailorder", 50, 6_500_000),
    ("Rough Trade", 30, 4_200_000),
    ("HHV", 20, 3_900_000),
];
const SYNC: &[Store] = &[
    ("Netflix", 10, 1_500_000_000),
    ("Music Library", 90, 120_000_000),
];
const LICENSING: &[Store] = &[
    ("Compilation Licensee", 60, 150_000_000),
    ("Peloton", 40, 60_000_000),
];
const PERFORMANCE: &[Store] = &[
    ("SoundExchange", 50, 25_000_000),
    ("PPL", 30, 18_000_000),
    ("GVL", 20, 12_000_000),
];

fn stores(s: Source) -> &'static [Store] {
    match s {
        Source::Streaming => STREAMING,
        Source::Video => VIDEO,
        Source::Download => DOWNLOAD,
        Source::Physical => PHYSICAL,
        Source::Sync => SYNC,
        Source::Licensing => LICENSING,
        Source::Performance => PERFORMANCE,
    }
}

/// Territory, relative weight, price factor in percent of the US price.
const TERRITORIES: &[(&str, u64, u64)] = &[
    ("US", 300, 100),
    ("GB", 80, 95),
    ("DE", 70, 90),
    ("FR", 45, 85),
    ("JP", 40, 105),
    ("BR", 40, 30),
    ("SE", 20, 95),
    ("NL", 25, 90),
    ("ES", 25, 70),
    ("IT", 25, 70),
    ("CA", 35, 90),
    ("AU", 30, 95),
    ("MX", 35, 35),
    ("NO", 12, 110),
    ("DK", 10, 105),
    ("FI", 8, 95),
    ("PL", 15, 45),
    ("BE", 12, 90),
    ("AT", 10, 90),
    ("CH", 10, 120),
    ("IE", 8, 95),
    ("NZ", 8, 90),
    ("IN", 30, 10),
    ("ID", 20, 15),
    ("PH", 15, 15),
    ("KR", 12, 80),
    ("TR", 12, 20),
    ("AR", 12, 15),
    ("CL", 10, 35),
    ("ZA", 8, 40),
    ("WW", 5, 80),
];

/// A table of `(name, weight, x)` turned into a lookup by cumulative weight.
struct Picker<T: Copy> {
    cumulative: Vec<(u64, T)>,
    total: u64,
}

impl<T: Copy> Picker<T> {
    fn new(items: impl IntoIterator<Item = (u64, T)>) -> Self {
        let mut total = 0;
        let mut cumulative = Vec::new();
        for (w, t) in items {
            total += w;
            cumulative.push((total, t));
        }
        Picker { cumulative, total }
    }
    fn pick(&self, rng: &mut Rng) -> T {
        let r = rng.below(self.total);
        // Tables are short: a linear scan beats a binary search here.
        for &(c, t) in &self.cumulative {
            if r < c {
                return t;
            }
        }
        self.cumulative[self.cumulative.len() - 1].1
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Canonical,
    DistroKid,
}

struct Args {
    lines: u64,
    out: String,
    format: Format,
    seed: u64,
}

const USAGE: &str = "usage: gen_statement <lines> <out> [--format canonical|distrokid] [--seed N]";

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut format = Format::Canonical;
    let mut seed = 2026u64;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => {
                format = match it.next().as_deref() {
                    Some("canonical") => Format::Canonical,
                    Some("distrokid") => Format::DistroKid,
                    other => return Err(format!("unknown --format {other:?}")),
                }
            }
            "--seed" => {
                let v = it.next().ok_or("--seed needs a value")?;
                seed = v.parse().map_err(|_| format!("bad --seed {v:?}"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => positional.push(a),
        }
    }
    if positional.len() != 2 {
        return Err("expected <lines> and <out>".into());
    }
    let lines = positional[0]
        .replace('_', "")
        .parse()
        .map_err(|_| format!("bad line count {:?}", positional[0]))?;
    Ok(Args {
        lines,
        out: positional[1].clone(),
        format,
        seed,
    })
}

/// Appends `v` in decimal.
fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends micro-units as a decimal with exactly 6 places: 3412 -> `0.003412`.
fn push_micros(buf: &mut Vec<u8>, negative: bool, micros: u64) {
    if negative {
        buf.push(b'-');
    }
    push_u64(buf, micros / 1_000_000);
    buf.push(b'.');
    let frac = micros % 1_000_000;
    let mut digits = [b'0'; 6];
    let mut f = frac;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (f % 10) as u8;
        f /= 10;
    }
    buf.extend_from_slice(&digits);
}

/// One generated line.
struct Line {
    month: u8,
    isrc: u32,
    source: Source,
    territory: &'static str,
    store: &'static str,
    negative: bool,
    units: u64,
    micros: u64,
}

struct Generator {
    rng: Rng,
    territories: Picker<(&'static str, u64)>,
    stores: Vec<Picker<(&'static str, u64)>>,
}

impl Generator {
    fn new(seed: u64) -> Self {
        let territories = Picker::new(TERRITORIES.iter().map(|&(t, w, f)| (w, (t, f))));
        let stores = SOURCE_MIX
            .iter()
            .map(|&(_, s)| Picker::new(stores(s).iter().map(|&(n, w, p)| (w, (n, p)))))
            .collect();
        Generator {
            rng: Rng(seed),
            territories,
            stores,
        }
    }

    fn line(&mut self) -> Line {
        let rng = &mut self.rng;
        let month = 1 + rng.below(3) as u8;
        // A catalogue has hits: squaring a uniform skews towards the first
        // ISRCs (ISRC 1 gets ~20x the lines of ISRC 100).
        let u = rng.below(1 << 16);
        let isrc = 1 + ((u * u * 200) >> 32) as u32;
        let p = rng.ppm();
        let si = SOURCE_MIX.iter().position(|&(c, _)| p < c).unwrap_or(0);
        let source = SOURCE_MIX[si].1;
        let (territory, factor) = self.territories.pick(rng);
        let (store, base) = self.stores[si].pick(rng);
        let units = match source {
            // Skewed towards small lines: many long-tail territory/store
            // pairs, a few big ones.
            Source::Streaming => {
                let u = rng.below(1 << 16);
                1 + ((u * u * 5000) >> 32)
            }
            Source::Video => 1 + rng.below(20_000),
            Source::Download => 1 + rng.below(12),
            Source::Physical => 1 + rng.below(40),
            Source::Sync | Source::Licensing => 1,
            Source::Performance => 1 + rng.below(3),
        };
        // Price per unit: store base x territory factor x (85%..115%) jitter,
        // plus sub-unit noise so amounts are not exact multiples of units.
        let jitter = 85 + rng.below(31);
        let price = base * factor / 100 * jitter / 100;
        let noise = rng.below(price.max(1));
        let micros = units * price + noise;
        // 0.2% of lines are returns / chargebacks.
        let negative = rng.below(1000) < 2;
        Line {
            month,
            isrc,
            source,
            territory,
            store,
            negative,
            units,
            micros,
        }
    }
}

fn push_isrc(buf: &mut Vec<u8>, n: u32) {
    buf.extend_from_slice(b"QZBEN26");
    let mut digits = [b'0'; 5];
    let mut v = n;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    buf.extend_from_slice(&digits);
}

fn write_canonical(buf: &mut Vec<u8>, l: &Line) {
    buf.extend_from_slice(b"2026-0");
    buf.push(b'0' + l.month);
    buf.push(b',');
    push_isrc(buf, l.isrc);
    buf.push(b',');
    buf.extend_from_slice(l.source.name().as_bytes());
    buf.push(b',');
    buf.extend_from_slice(l.territory.as_bytes());
    buf.push(b',');
    buf.extend_from_slice(l.store.as_bytes());
    buf.push(b',');
    if l.negative {
        buf.push(b'-');
    }
    push_u64(buf, l.units);
    buf.push(b',');
    push_micros(buf, l.negative, l.micros);
    buf.extend_from_slice(b",USD\n");
}

const DISTROKID_HEADER: &str = "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)\n";

fn write_distrokid(buf: &mut Vec<u8>, l: &Line) {
    buf.extend_from_slice(b"2026-04-05\t2026-0");
    buf.push(b'0' + l.month);
    buf.push(b'\t');
    buf.extend_from_slice(l.store.as_bytes());
    // Ten tracks per artist, as the agreements group them.
    buf.extend_from_slice(b"\tBench Artist ");
    push_u64(buf, u64::from((l.isrc - 1) / 10 + 1));
    buf.extend_from_slice(b"\tBench Track ");
    push_u64(buf, u64::from(l.isrc));
    buf.push(b'\t');
    push_isrc(buf, l.isrc);
    buf.extend_from_slice(b"\t8596260");
    let mut upc = [b'0'; 5];
    let mut v = l.isrc;
    for d in upc.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    buf.extend_from_slice(&upc);
    buf.push(b'\t');
    if l.negative {
        buf.push(b'-');
    }
    push_u64(buf, l.units);
    buf.extend_from_slice(b"\t100\tSong\t");
    buf.extend_from_slice(l.territory.as_bytes());
    buf.extend_from_slice(b"\t0\t");
    push_micros(buf, l.negative, l.micros);
    buf.push(b'\n');
}

fn run(args: &Args) -> std::io::Result<(u64, u64)> {
    let file = File::create(&args.out)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut gen = Generator::new(args.seed);
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    match args.format {
        Format::Canonical => {
            buf.extend_from_slice(b"period,isrc,source,territory,store,units,amount,currency\n")
        }
        Format::DistroKid => buf.extend_from_slice(DISTROKID_HEADER.as_bytes()),
    }
    let mut bytes = 0u64;
    let mut returns = 0u64;
    for _ in 0..args.lines {
        let l = gen.line();
        returns += u64::from(l.negative);
        match args.format {
            Format::Canonical => write_canonical(&mut buf, &l),
            Format::DistroKid => write_distrokid(&mut buf, &l),
        }
        if buf.len() >= (1 << 17) - 256 {
            out.write_all(&buf)?;
            bytes += buf.len() as u64;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    bytes += buf.len() as u64;
    out.flush()?;
    Ok((bytes, returns))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gen_statement: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let start = std::time::Instant::now();
    match run(&args) {
        Ok((bytes, returns)) => {
            eprintln!(
                "gen_statement: {} lines ({} returns), {} bytes ({:.1} bytes/line) -> {} in {:.2}s",
                args.lines,
                returns,
                bytes,
                bytes as f64 / args.lines.max(1) as f64,
                args.out,
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_statement: {}: {e}", args.out);
            ExitCode::FAILURE
        }
    }
}
