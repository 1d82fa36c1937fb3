//! Generates a large, deterministic statement for the benchmark (`bench/`).
//!
//! ```text
//! cargo run --release --example gen_statement -- <lines> <out>
//!     [--format canonical|distrokid] [--seed N] [--isrcs N] [--files K]
//! ```
//!
//! - `canonical` (default): the canonical statement CSV of docs/formats.md,
//!   `period,isrc,source,territory,store,units,amount,currency`, ~62 bytes a
//!   line (5,000,000 lines is about 310 MB).
//! - `distrokid`: the same lines (same ISRCs, months, units and amounts, in the
//!   same order) as a DistroKid "Excel / TSV" bank export.
//! - `--files K`: `<out>` is a folder; the same lines, in the same order, are
//!   split into K files `part-0001.csv`.. of (nearly) equal line counts, each
//!   with its header, as a label receives a quarter in many statements.
//!
//! Two shapes of catalogue:
//!
//! - Without `--isrcs`, the original benchmark (bench/run.sh): 200 ISRCs
//!   `QZBEN2600001`..`QZBEN2600200` (the 20 agreements in `bench/agreements/`
//!   cover 10 each), skewed by squaring a uniform, usage months
//!   2026-01..2026-03, 31 territories. Its bytes never change.
//! - With `--isrcs N`, a label's catalogue: N ISRCs numbered by popularity,
//!   which follows Zipf's law (ISRC k gets lines in proportion to 1/k: with
//!   100,000 ISRCs the first has ~8% of the lines and the last a few lines in
//!   5 million), usage months 2025-10..2026-03 (late reports of the three
//!   months before the quarter), 92 territories. ISRC n is
//!   `QZBEN` + year `26 - n / 100000` + the five digits of `n % 100000`, so
//!   the first 99,999 are those of the original benchmark.
//!
//! Both: the source mix of a real streaming statement (~88% streaming, ~6%
//! video, ~4% download, ~1% physical, the rest sync/licensing/performance),
//! 30 stores, all in USD, 0.2% returns (negative units and amount). Amounts
//! are built as integer micro-dollars (never floating point) and printed with
//! exactly 6 decimals. The same arguments always give the same bytes.

mod tables;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tables::{Source, CATALOGUE_MONTHS, MORE_TERRITORIES, QUARTER_MONTHS, SOURCE_MIX, TERRITORIES};

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
    /// Uniform in `0..n` (0 < n < 2^32), by multiply-shift (no modulo bias
    /// worth mentioning for the small n used here).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }
    /// Uniform in `0..n` for any n > 0 (the Zipf table's total passes 2^32).
    fn below_wide(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in `0..1_000_000` (parts per million).
    fn ppm(&mut self) -> u64 {
        self.below(1_000_000)
    }
}

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

/// Which ISRC a line is about.
enum Popularity {
    /// The original benchmark: 200 ISRCs, a squared uniform.
    Square200,
    /// Zipf's law over `cumulative.len()` ISRCs: ISRC k weighs
    /// floor(2^40 / k), integers so that every platform draws the same.
    Zipf { cumulative: Vec<u64> },
}

impl Popularity {
    fn zipf(isrcs: u32) -> Self {
        let mut total = 0u64;
        let cumulative = (1..=u64::from(isrcs))
            .map(|k| {
                total += (1u64 << 40) / k;
                total
            })
            .collect();
        Popularity::Zipf { cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> u32 {
        match self {
            Popularity::Square200 => {
                // A catalogue has hits: squaring a uniform skews towards the
                // first ISRCs (ISRC 1 gets ~20x the lines of ISRC 100).
                let u = rng.below(1 << 16);
                1 + ((u * u * 200) >> 32) as u32
            }
            Popularity::Zipf { cumulative } => {
                let total = cumulative[cumulative.len() - 1];
                let r = rng.below_wide(total);
                1 + cumulative.partition_point(|&c| c <= r) as u32
            }
        }
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
    /// `None`: the original 200-ISRC benchmark.
    isrcs: Option<u32>,
    /// `Some(k)`: `out` is a folder of k files.
    files: Option<u64>,
}

const USAGE: &str = "usage: gen_statement <lines> <out> [--format canonical|distrokid] [--seed N] [--isrcs N] [--files K]";

/// The value after an option, parsed; `_` allowed as a digit separator.
fn number<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
    let v = v.ok_or(format!("{flag} needs a value"))?;
    v.replace('_', "")
        .parse()
        .map_err(|_| format!("bad {flag} {v:?}"))
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut format = Format::Canonical;
    let mut seed = 2026u64;
    let (mut isrcs, mut files) = (None, None);
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
            "--seed" => seed = number("--seed", it.next())?,
            "--isrcs" => isrcs = Some(number::<u32>("--isrcs", it.next())?),
            "--files" => files = Some(number::<u64>("--files", it.next())?),
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => positional.push(a),
        }
    }
    if positional.len() != 2 {
        return Err("expected <lines> and <out>".into());
    }
    // The ISRC's year digits run from 26 down, one year per 100,000.
    if isrcs.is_some_and(|n| !(1..=2_599_999).contains(&n)) {
        return Err("--isrcs must be between 1 and 2,599,999".into());
    }
    if files == Some(0) {
        return Err("--files must be at least 1".into());
    }
    Ok(Args {
        lines: number("<lines>", Some(positional[0].clone()))?,
        out: positional[1].clone(),
        format,
        seed,
        isrcs,
        files,
    })
}

/// Appends `v` in decimal.
fn push_u64(buf: &mut Vec<u8>, v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut v = v;
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

/// Appends `v` as exactly `width` digits, zero-padded (keeps the low digits).
fn push_padded(buf: &mut Vec<u8>, v: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut v = v;
    for d in digits[..width].iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    buf.extend_from_slice(&digits[..width]);
}

/// Appends micro-units as a decimal with exactly 6 places: 3412 -> `0.003412`.
fn push_micros(buf: &mut Vec<u8>, negative: bool, micros: u64) {
    if negative {
        buf.push(b'-');
    }
    push_u64(buf, micros / 1_000_000);
    buf.push(b'.');
    push_padded(buf, micros % 1_000_000, 6);
}

/// One generated line.
struct Line {
    month: &'static str,
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
    popularity: Popularity,
    months: Picker<&'static str>,
    territories: Picker<(&'static str, u64)>,
    stores: Vec<Picker<(&'static str, u64)>>,
}

impl Generator {
    fn new(seed: u64, isrcs: Option<u32>) -> Self {
        // The original benchmark's tables, or the catalogue's longer ones.
        let (popularity, months, more): (_, _, &[(&str, u64, u64)]) = match isrcs {
            None => (Popularity::Square200, QUARTER_MONTHS, &[]),
            Some(n) => (Popularity::zipf(n), CATALOGUE_MONTHS, MORE_TERRITORIES),
        };
        let territories = Picker::new(TERRITORIES.iter().chain(more).map(|&(t, w, f)| (w, (t, f))));
        let stores = SOURCE_MIX
            .iter()
            .map(|&(_, s)| Picker::new(tables::stores(s).iter().map(|&(n, w, p)| (w, (n, p)))))
            .collect();
        Generator {
            rng: Rng(seed),
            popularity,
            months: Picker::new(months.iter().map(|&(m, w)| (w, m))),
            territories,
            stores,
        }
    }

    fn line(&mut self) -> Line {
        let month = self.months.pick(&mut self.rng);
        let isrc = self.popularity.pick(&mut self.rng);
        let rng = &mut self.rng;
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

/// `QZBEN` + year + designation: ISRC n is year `26 - n / 100000`, code
/// `n % 100000` (the original 200 are `QZBEN2600001`..).
fn push_isrc(buf: &mut Vec<u8>, n: u32) {
    buf.extend_from_slice(b"QZBEN");
    push_padded(buf, 26 - u64::from(n / 100_000), 2);
    push_padded(buf, u64::from(n % 100_000), 5);
}

fn write_canonical(buf: &mut Vec<u8>, l: &Line) {
    buf.extend_from_slice(l.month.as_bytes());
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

const CANONICAL_HEADER: &str = "period,isrc,source,territory,store,units,amount,currency\n";
const DISTROKID_HEADER: &str = "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)\n";

fn write_distrokid(buf: &mut Vec<u8>, l: &Line) {
    buf.extend_from_slice(b"2026-04-05\t");
    buf.extend_from_slice(l.month.as_bytes());
    buf.push(b'\t');
    buf.extend_from_slice(l.store.as_bytes());
    // Ten tracks per artist, as the agreements group them.
    buf.extend_from_slice(b"\tBench Artist ");
    push_u64(buf, u64::from((l.isrc - 1) / 10 + 1));
    buf.extend_from_slice(b"\tBench Track ");
    push_u64(buf, u64::from(l.isrc));
    buf.push(b'\t');
    push_isrc(buf, l.isrc);
    // A 12-digit UPC per track: 859626 and six digits of the ISRC's number.
    buf.extend_from_slice(b"\t859626");
    push_padded(buf, u64::from(l.isrc), 6);
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

/// Where the lines go: one file, or `files` files in a folder.
fn outputs(args: &Args) -> std::io::Result<Vec<PathBuf>> {
    let Some(k) = args.files else {
        return Ok(vec![PathBuf::from(&args.out)]);
    };
    let dir = Path::new(&args.out);
    std::fs::create_dir_all(dir)?;
    let ext = match args.format {
        Format::Canonical => "csv",
        Format::DistroKid => "tsv",
    };
    Ok((1..=k)
        .map(|i| dir.join(format!("part-{i:04}.{ext}")))
        .collect())
}

/// Writes `lines` lines of `gen` to `path`, header first; (bytes, returns).
fn write_file(
    path: &Path,
    lines: u64,
    gen: &mut Generator,
    format: Format,
) -> std::io::Result<(u64, u64)> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    buf.extend_from_slice(match format {
        Format::Canonical => CANONICAL_HEADER.as_bytes(),
        Format::DistroKid => DISTROKID_HEADER.as_bytes(),
    });
    let (mut bytes, mut returns) = (0u64, 0u64);
    for _ in 0..lines {
        let l = gen.line();
        returns += u64::from(l.negative);
        match format {
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

/// An I/O error that names its path.
fn in_file(path: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn run(args: &Args) -> std::io::Result<(u64, u64)> {
    let mut gen = Generator::new(args.seed, args.isrcs);
    let paths = outputs(args).map_err(|e| in_file(Path::new(&args.out), e))?;
    let k = paths.len() as u64;
    let (mut bytes, mut returns) = (0u64, 0u64);
    for (i, path) in (0u64..).zip(&paths) {
        // File i gets lines [L*i/k, L*(i+1)/k): the same sequence, cut.
        let lines = args.lines * (i + 1) / k - args.lines * i / k;
        let (b, r) =
            write_file(path, lines, &mut gen, args.format).map_err(|e| in_file(path, e))?;
        bytes += b;
        returns += r;
    }
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
            eprintln!("gen_statement: {e}");
            ExitCode::FAILURE
        }
    }
}
