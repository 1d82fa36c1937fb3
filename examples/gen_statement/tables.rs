//! The catalogue's vocabulary: sources and their mix, stores and their
//! prices, territories and their price factors, usage months. Kept apart from
//! the generator so the tables read as data.
//!
//! The first tables are those of the original 200-ISRC benchmark and must not
//! change (its statements are byte-for-byte those of earlier runs); the
//! catalogue mode (`--isrcs`) adds a long tail of territories and earlier
//! usage months on top.

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Streaming,
    Video,
    Download,
    Physical,
    Sync,
    Licensing,
    Performance,
}

impl Source {
    pub fn name(self) -> &'static str {
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
pub const SOURCE_MIX: [(u64, Source); 7] = [
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
pub type Store = (&'static str, u64, u64);

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

pub fn stores(s: Source) -> &'static [Store] {
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
pub const TERRITORIES: &[(&str, u64, u64)] = &[
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

/// The long tail a catalogue is streamed in (catalogue mode only): territory,
/// relative weight, price factor in percent of the US price. With the table
/// above, 92 territories; a real DSP report has up to ~200, most of them
/// with a handful of lines, which is what these small weights give.
pub const MORE_TERRITORIES: &[(&str, u64, u64)] = &[
    ("PT", 6, 60),
    ("GR", 4, 60),
    ("CZ", 5, 50),
    ("HU", 4, 45),
    ("RO", 4, 35),
    ("BG", 2, 30),
    ("HR", 2, 45),
    ("SK", 2, 45),
    ("SI", 1, 55),
    ("LT", 1, 45),
    ("LV", 1, 45),
    ("EE", 1, 55),
    ("IS", 1, 110),
    ("LU", 1, 110),
    ("CY", 1, 60),
    ("MT", 1, 60),
    ("UA", 4, 15),
    ("IL", 4, 85),
    ("AE", 6, 70),
    ("SA", 5, 60),
    ("QA", 1, 70),
    ("KW", 1, 70),
    ("JO", 1, 40),
    ("LB", 1, 30),
    ("EG", 5, 15),
    ("MA", 3, 20),
    ("TN", 1, 15),
    ("DZ", 1, 10),
    ("NG", 4, 10),
    ("KE", 3, 12),
    ("GH", 2, 10),
    ("TH", 6, 20),
    ("VN", 6, 12),
    ("MY", 5, 25),
    ("SG", 4, 80),
    ("HK", 4, 70),
    ("TW", 5, 55),
    ("PK", 3, 8),
    ("BD", 2, 8),
    ("LK", 1, 10),
    ("KZ", 2, 15),
    ("CO", 8, 25),
    ("PE", 5, 25),
    ("EC", 3, 25),
    ("UY", 2, 40),
    ("PY", 1, 20),
    ("BO", 1, 15),
    ("VE", 1, 10),
    ("CR", 2, 40),
    ("GT", 2, 25),
    ("DO", 2, 25),
    ("PA", 1, 40),
    ("HN", 1, 20),
    ("SV", 1, 20),
    ("NI", 1, 15),
    ("JM", 1, 30),
    ("TT", 1, 35),
    ("PR", 2, 70),
    ("RS", 1, 30),
    ("GE", 1, 20),
    ("NP", 1, 8),
];

/// Usage months of the original benchmark: the three months of 2026-Q1,
/// equally likely.
pub const QUARTER_MONTHS: &[(&str, u64)] = &[("2026-01", 1), ("2026-02", 1), ("2026-03", 1)];

/// Usage months of a catalogue statement received in 2026-Q1: mostly the
/// quarter's own months, plus late reports of the three before (stores and
/// collecting societies report late). Receipts basis: all belong to 2026-Q1.
pub const CATALOGUE_MONTHS: &[(&str, u64)] = &[
    ("2025-10", 3),
    ("2025-11", 5),
    ("2025-12", 8),
    ("2026-01", 28),
    ("2026-02", 28),
    ("2026-03", 28),
];
