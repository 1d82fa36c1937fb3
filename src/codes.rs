//! The small vocabularies of the contract: income sources, ISRCs and ISO 4217
//! currencies (docs/agreements.md) and ISO 3166 territories (docs/formats.md,
//! "The canonical statement"). Each is a validated value type, so the rest of
//! the crate never re-checks a string.

use std::fmt;

/// The kind of income (a fixed vocabulary: docs/agreements.md, "Rates: per
/// party, or a pool and a split"). The order is the order in which sources
/// are listed in outputs.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Streaming,
    Download,
    Physical,
    Video,
    Sync,
    Licensing,
    Performance,
    Live,
    Other,
}

impl Source {
    pub const ALL: [Source; 9] = [
        Source::Streaming,
        Source::Download,
        Source::Physical,
        Source::Video,
        Source::Sync,
        Source::Licensing,
        Source::Performance,
        Source::Live,
        Source::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::Streaming => "streaming",
            Source::Download => "download",
            Source::Physical => "physical",
            Source::Video => "video",
            Source::Sync => "sync",
            Source::Licensing => "licensing",
            Source::Performance => "performance",
            Source::Live => "live",
            Source::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Self::parse_bytes(s.trim().as_bytes())
    }

    /// Case-insensitive, so "Streaming" in a hand-made statement is accepted.
    pub fn parse_bytes(b: &[u8]) -> Option<Source> {
        Source::ALL
            .into_iter()
            .find(|s| s.name().as_bytes().eq_ignore_ascii_case(b))
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn vocabulary() -> String {
        Source::ALL.map(|s| s.name()).join(", ")
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An International Standard Recording Code, normalised: upper case, no
/// hyphens. Shape: 2 letters, 3 alphanumerics, 2 digits, 5 digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Isrc([u8; 12]);

impl Isrc {
    pub fn parse(s: &str) -> Option<Isrc> {
        Self::parse_bytes(s.trim().as_bytes())
    }

    pub fn parse_bytes(b: &[u8]) -> Option<Isrc> {
        // The common case first: twelve characters, no hyphens.
        if let Ok(raw) = <[u8; 12]>::try_from(b) {
            let up = raw.map(|c| c.to_ascii_uppercase());
            let ok = up[0].is_ascii_uppercase()
                && up[1].is_ascii_uppercase()
                && up[2..5].iter().all(u8::is_ascii_alphanumeric)
                && up[5..].iter().all(u8::is_ascii_digit);
            return ok.then_some(Isrc(up));
        }
        let mut out = [0u8; 12];
        let mut n = 0;
        for &c in b {
            if c == b'-' {
                continue;
            }
            if n == 12 {
                return None;
            }
            out[n] = c.to_ascii_uppercase();
            n += 1;
        }
        if n != 12 {
            return None;
        }
        let ok = out[..2].iter().all(u8::is_ascii_uppercase)
            && out[2..5].iter().all(u8::is_ascii_alphanumeric)
            && out[5..].iter().all(u8::is_ascii_digit);
        ok.then_some(Isrc(out))
    }

    pub fn bytes(&self) -> &[u8; 12] {
        &self.0
    }

    /// The ISRC whose `bytes` these are (readers keep ISRCs packed in
    /// integers, `import::catalog`; they never make one up).
    pub(crate) fn from_bytes(b: [u8; 12]) -> Isrc {
        debug_assert!(Isrc::parse_bytes(&b) == Some(Isrc(b)));
        Isrc(b)
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits ever get in.
        std::str::from_utf8(&self.0).unwrap_or("????????????")
    }
}

impl fmt::Display for Isrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for Isrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl serde::Serialize for Isrc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An ISO 4217 currency code that is in the standard's list.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

/// Active ISO 4217 codes (plus a few fund and precious-metal codes that
/// statements never use are left out on purpose).
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB \
BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR \
FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS \
KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN \
MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG \
SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU \
UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL";

/// ISO 4217 currencies without a minor unit: a bank pays them in whole
/// units (yen, won...), so a payment in one is rounded to a whole unit.
const NO_MINOR_UNIT: [&str; 17] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];

impl Currency {
    /// Decimals a payment in this currency is rounded to: 0 for the
    /// currencies without a minor unit (JPY, KRW...), else 2 (cents; the
    /// three-decimal dinars are paid to the fils' tenth, which is payable).
    pub fn payment_decimals(self) -> u32 {
        if NO_MINOR_UNIT.contains(&self.as_str()) {
            0
        } else {
            2
        }
    }

    pub fn parse(s: &str) -> Option<Currency> {
        Self::parse_bytes(s.trim().as_bytes())
    }

    /// Checked against a table of all 26^3 letter triples, built once:
    /// statements carry a currency on every line.
    pub fn parse_bytes(b: &[u8]) -> Option<Currency> {
        static KNOWN: std::sync::OnceLock<Vec<bool>> = std::sync::OnceLock::new();
        let [a, b2, c] = <[u8; 3]>::try_from(b).ok()?;
        let up = [
            a.to_ascii_uppercase(),
            b2.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ];
        if !up.iter().all(u8::is_ascii_uppercase) {
            return None;
        }
        let index = |x: [u8; 3]| {
            ((x[0] - b'A') as usize * 26 + (x[1] - b'A') as usize) * 26 + (x[2] - b'A') as usize
        };
        let known = KNOWN.get_or_init(|| {
            let mut t = vec![false; 26 * 26 * 26];
            for code in ISO_4217.split_ascii_whitespace() {
                let x: [u8; 3] = code.as_bytes().try_into().expect("three letters");
                t[index(x)] = true;
            }
            t
        });
        known[index(up)].then_some(Currency(up))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    pub fn bytes(&self) -> &[u8; 3] {
        &self.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not an ISO 4217 currency")))
    }
}

/// A territory: ISO 3166-1 alpha-2 shape (two letters) or `WW` (worldwide).
/// Only the shape is checked: distributors use user-assigned codes such as
/// `XK` (Kosovo) that a strict list would refuse.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Territory([u8; 2]);

impl Territory {
    pub const WORLD: Territory = Territory(*b"WW");

    pub fn parse_bytes(b: &[u8]) -> Option<Territory> {
        let b = b.trim_ascii();
        (b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic))
            .then(|| Territory([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    pub fn bytes(&self) -> &[u8; 2] {
        &self.0
    }
}

impl fmt::Display for Territory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A release code: UPC-A (12 digits), EAN-13, EAN-8 or GTIN-14, as
/// statements write it in a UPC or EAN column. Kept as the number the
/// digits spell, so `0844216054460` and `844216054460` are one release;
/// shown as 13 digits (EAN-13), or 14 when it needs them. Only the shape is
/// checked, not the check digit: a label matches it against the releases
/// its agreements name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Upc(u64);

impl Upc {
    /// Digits only (spaces inside are allowed: `602318 136794`), of a GTIN
    /// length: 8, 12, 13 or 14.
    pub fn parse_bytes(b: &[u8]) -> Option<Upc> {
        let b = b.trim_ascii();
        let mut v: u64 = 0;
        let mut n = 0;
        for &c in b {
            match c {
                b'0'..=b'9' => {
                    v = v * 10 + (c - b'0') as u64;
                    n += 1;
                }
                b' ' => {}
                _ => return None,
            }
        }
        (matches!(n, 8 | 12 | 13 | 14) && v > 0).then_some(Upc(v))
    }

    /// Whether the last digit is the GS1 check digit of the others. Leading
    /// zeros weigh nothing, so the number alone tells.
    pub fn check_digit_ok(&self) -> bool {
        let (body, check) = (self.0 / 10, (self.0 % 10) as u32);
        check == gs1_check_digit(body)
    }

    /// The last digit, as written.
    pub fn check_digit(&self) -> u32 {
        (self.0 % 10) as u32
    }

    /// The check digit the other digits give.
    pub fn expected_check_digit(&self) -> u32 {
        gs1_check_digit(self.0 / 10)
    }

    /// A release code as an agreement names it: digits only, of a GTIN
    /// length, with a correct check digit (the last digit: 10 minus the
    /// sum of the others weighted 3, 1, 3... from the right, modulo 10).
    /// Statements are read without this check; an agreement is a promise.
    pub fn parse_checked(s: &str) -> Result<Upc, String> {
        let t = s.trim();
        if !t.bytes().all(|b| b.is_ascii_digit()) || !matches!(t.len(), 8 | 12 | 13 | 14) {
            return Err(format!(
                "`{t}` is not a UPC/EAN: expected 12 digits (UPC-A), or 8, 13 or 14 (EAN/GTIN)"
            ));
        }
        let digits: Vec<u32> = t.bytes().map(|b| u32::from(b - b'0')).collect();
        let (body, check) = digits.split_at(digits.len() - 1);
        let sum: u32 = body
            .iter()
            .rev()
            .enumerate()
            .map(|(i, d)| if i % 2 == 0 { 3 * d } else { *d })
            .sum();
        let want = (10 - sum % 10) % 10;
        if want != check[0] {
            return Err(format!(
                "`{t}` has the check digit {}, but its other digits give {want}: a digit is wrong",
                check[0]
            ));
        }
        Upc::parse_bytes(t.as_bytes()).ok_or_else(|| format!("`{t}` is not a UPC/EAN"))
    }
}

/// GS1 check digit of `body`: 10 minus the sum of its digits weighted
/// 3, 1, 3... from the right, modulo 10.
fn gs1_check_digit(mut body: u64) -> u32 {
    let (mut sum, mut weight) = (0u32, 3u32);
    while body > 0 {
        sum += weight * (body % 10) as u32;
        body /= 10;
        weight = 4 - weight;
    }
    (10 - sum % 10) % 10
}

impl fmt::Display for Upc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}", self.0)
    }
}

impl serde::Serialize for Upc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isrc_shapes() {
        for (input, ok) in [
            ("QZNWX2600001", true),
            ("QZ-NWX-26-00001", true),
            ("qznwx2600001", true),
            ("QZNWX260001", false),
            ("1ZNWX2600001", false),
            ("QZNWX26A0001", false),
            ("QZN_X2600001", false),
            ("QZNWX26000011", false),
        ] {
            assert_eq!(Isrc::parse(input).is_some(), ok, "{input}");
        }
        assert_eq!(
            Isrc::parse("qz-nwx-26-00001").unwrap().as_str(),
            "QZNWX2600001"
        );
    }

    #[test]
    fn release_codes() {
        let a = Upc::parse_bytes(b"0844216054460").unwrap();
        assert_eq!(Some(a), Upc::parse_bytes(b"844216054460"));
        assert_eq!(a.to_string(), "0844216054460");
        assert!(Upc::parse_bytes(b"602318 136794").is_some());
        for bad in ["2222222222", "no upc", "8,44216E+11", "", "000000000000"] {
            assert!(Upc::parse_bytes(bad.as_bytes()).is_none(), "{bad}");
        }
    }

    #[test]
    fn release_codes_in_agreements_have_their_check_digit() {
        // The contract's own example, 859700000011, fails: its digits give 4.
        assert!(Upc::parse_checked("859700000011")
            .unwrap_err()
            .contains("give 4"));
        assert!(Upc::parse_checked("859700000014").is_ok());
        assert!(Upc::parse_checked("036000291452").is_ok()); // the classic UPC-A example
        assert!(Upc::parse_checked("4006381333931").is_ok()); // an EAN-13 example
        assert!(Upc::parse_checked("96385074").is_ok()); // an EAN-8 example
        let e = Upc::parse_checked("036000291453").unwrap_err();
        assert!(e.contains("check digit 3") && e.contains("give 2"), "{e}");
        assert!(Upc::parse_checked("03600029145").is_err());
        assert!(Upc::parse_checked("0360-0029-1452").is_err());
        assert_eq!(
            Upc::parse_checked("036000291452").unwrap(),
            Upc::parse_bytes(b"0036000291452").unwrap()
        );
    }

    #[test]
    fn currencies_are_checked_against_iso_4217() {
        assert!(Currency::parse("USD").is_some());
        assert!(Currency::parse("jpy").is_some());
        assert!(Currency::parse("XYZ").is_none());
        assert!(Currency::parse("US").is_none());
    }

    #[test]
    fn sources_are_the_fixed_vocabulary() {
        assert_eq!(Source::parse("Streaming"), Some(Source::Streaming));
        assert_eq!(Source::parse("radio"), None);
        assert_eq!(Source::ALL.len(), 9);
    }
}
