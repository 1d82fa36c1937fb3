#!/usr/bin/env python3
"""Generates the bundled example label's sample data (deterministic).

What it writes, relative to the repository root:

  samples/fx.csv                      exchange rates (date,from,to,rate), month
                                      ends January to June 2026
  samples/2026-Q1/*.csv               the statements received in 2026-Q1
  samples/2026-Q2/*.csv               the statements received in 2026-Q2

Each quarter holds the same five canonical statement files (docs/formats.md,
"The canonical statement"):

  distributor-streaming.csv   streaming and video (YouTube) lines, several
                              stores and territories, per usage month; a few
                              chargebacks (negative units and amount), a few
                              late-reported months, a few unmatched ISRCs
  stores-downloads.csv        download sales per month, and Bandcamp sales
                              with full usage dates; a few refunds
  physical-uk.csv             vinyl / CD sales from the physical distributor,
                              some returns
  sync-licensing.csv          one-off sync and licensing fees, with the
                              optional `tax_withheld` column
  neighbouring-rights.csv     performance income; its columns are in another
                              order, with an extra `notes` column, to show
                              the format is flexible (extra columns ignored)

The agreements these lines are matched against are in agreements/*.toml;
lines carrying ISRCs that no agreement covers (QZNWX2699901, QZNWX2699902,
QZK3T2500042) are there on purpose, to show up as unmatched. January 2026
lines for "City of Echoes" (agreement start 2026-02-01) are out of term.

Line currencies follow the territory: US, BR and WW lines in USD, GB in GBP,
DE, FR and SE in EUR, JP in JPY (whole yen). Streaming amounts carry up to 6
decimals, everything else 2 (JPY: 0).

All money is built from random *integers* and exact decimal.Decimal
arithmetic: no binary floating point anywhere, not even in between. The
random generator has a fixed seed, so the output is identical on every run.

Rerun (from anywhere; Python 3.8+, standard library only):

    python3 tools/gen_samples.py

It overwrites the files above and prints a summary (lines and totals per
currency for each file). Commit the regenerated CSVs with the script.
"""

import csv
import random
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = 20260331

CANONICAL = ["period", "isrc", "source", "territory", "store", "units", "amount", "currency"]

# Territory -> currency of the lines reported for it.
CURRENCY = {"US": "USD", "BR": "USD", "WW": "USD", "GB": "GBP",
            "DE": "EUR", "FR": "EUR", "SE": "EUR", "JP": "JPY"}

# Tracks: ISRC -> (agreement, popularity in permille of the lead single).
TRACKS = {
    "QZNWX2600001": ("midnight-drive", 1000),
    "QZNWX2600002": ("midnight-drive", 150),
    "QZNWX2500101": ("harbour-lights", 300),
    "QZNWX2500102": ("harbour-lights", 220),
    "QZNWX2500103": ("harbour-lights", 160),
    "QZNWX2500104": ("harbour-lights", 90),
    "QZNWX2500201": ("northern-soul-vinyl", 120),
    "QZNWX2500202": ("northern-soul-vinyl", 80),
    "QZNWX2500203": ("northern-soul-vinyl", 60),
    "QZNWX2600301": ("city-of-echoes", 500),
    "QZNWX2600302": ("city-of-echoes", 250),
}
CITY = ("QZNWX2600301", "QZNWX2600302")
UNMATCHED = ("QZNWX2699901", "QZNWX2699902", "QZK3T2500042")

# Popularity change in Q2, in percent: the single fades, City of Echoes grows.
Q2_TREND = {"QZNWX2600001": 80, "QZNWX2600002": 85, "QZNWX2600301": 160,
            "QZNWX2600302": 150}

QUARTERS = {
    "2026-Q1": {"year": 2026, "months": [1, 2, 3], "late": ["2025-11", "2025-12"]},
    "2026-Q2": {"year": 2026, "months": [4, 5, 6], "late": ["2026-03"]},
}

TERRITORY_W = {"US": 1000, "GB": 520, "DE": 430, "FR": 300, "SE": 220,
               "BR": 260, "JP": 200, "WW": 600}
STORE_W = {"Spotify": 1000, "Apple Music": 550, "Amazon Music": 300,
           "Deezer": 180, "YouTube Music": 260, "Tidal": 70}
# Store price factor in percent of the base per-stream rate.
STORE_PRICE = {"Spotify": 100, "Apple Music": 150, "Amazon Music": 120,
               "Deezer": 100, "YouTube Music": 60, "Tidal": 250}
STREAM_COMBOS = [
    ("Spotify", "US"), ("Spotify", "GB"), ("Spotify", "DE"), ("Spotify", "FR"),
    ("Spotify", "SE"), ("Spotify", "BR"), ("Spotify", "JP"),
    ("Apple Music", "US"), ("Apple Music", "GB"), ("Apple Music", "DE"),
    ("Apple Music", "JP"),
    ("Amazon Music", "US"), ("Amazon Music", "DE"), ("Amazon Music", "GB"),
    ("Deezer", "FR"), ("Deezer", "DE"), ("Deezer", "BR"),
    ("YouTube Music", "WW"),
    ("Tidal", "US"),
]
# Base per-stream rate range, in millionths of the currency unit.
STREAM_PRICE_MICRO = {"USD": (3000, 5000), "EUR": (2800, 4500),
                      "GBP": (2400, 4000), "JPY": (400000, 650000)}
# Net download price per unit.
DOWNLOAD_PRICE = {"USD": Decimal("0.70"), "EUR": Decimal("0.65"),
                  "GBP": Decimal("0.55"), "JPY": Decimal("120")}
DOWNLOAD_COMBOS = [("iTunes", "US"), ("iTunes", "GB"), ("iTunes", "DE"),
                   ("iTunes", "JP"), ("Amazon MP3", "US"), ("Qobuz", "FR"),
                   ("Beatport", "WW")]

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
YEN = Decimal("1")

# Exchange rates: 1 FROM = rate TO, at each month end (exact decimal strings).
FX_DATES = ["2026-01-31", "2026-02-27", "2026-03-31", "2026-04-30",
            "2026-05-29", "2026-06-30"]
FX = {
    ("EUR", "USD"): ["1.0842", "1.0795", "1.0871", "1.0910", "1.0885", "1.0950"],
    ("GBP", "USD"): ["1.2655", "1.2610", "1.2702", "1.2748", "1.2731", "1.2795"],
    ("JPY", "USD"): ["0.006712", "0.006655", "0.006803", "0.006741", "0.006618", "0.006827"],
    ("USD", "EUR"): ["0.9223", "0.9264", "0.9199", "0.9166", "0.9187", "0.9132"],
    ("GBP", "EUR"): ["1.1671", "1.1681", "1.1684", "1.1685", "1.1696", "1.1685"],
    ("JPY", "EUR"): ["0.006191", "0.006165", "0.006258", "0.006179", "0.006080", "0.006234"],
    ("USD", "GBP"): ["0.7902", "0.7930", "0.7873", "0.7845", "0.7855", "0.7816"],
    ("EUR", "GBP"): ["0.8568", "0.8561", "0.8559", "0.8558", "0.8550", "0.8558"],
    ("JPY", "GBP"): ["0.005304", "0.005278", "0.005356", "0.005288", "0.005198", "0.005336"],
}


def money(value, currency, places=CENT):
    """Formats an exact Decimal: whole yen for JPY, else `places` decimals."""
    q = YEN if currency == "JPY" else places
    d = value.quantize(q, rounding=ROUND_HALF_EVEN)
    if d == 0:
        d = abs(d)  # never "-0.00"
    return str(d)


def pct(n, percent):
    """Integer n scaled by an integer percentage, floored (integers only)."""
    return n * percent // 100


def jitter(rng, n, low=85, high=115):
    return n * rng.randint(low, high) // 100


def row(period, isrc, source, territory, store, units, amount, currency, **extra):
    r = {"period": period, "isrc": isrc, "source": source, "territory": territory,
         "store": store, "units": str(units), "amount": amount, "currency": currency}
    r.update(extra)
    return r


def month(year, m):
    return f"{year}-{m:02d}"


def day(rng, year, m):
    return f"{year}-{m:02d}-{rng.randint(1, 28):02d}"


def popularity(isrc, quarter):
    pop = TRACKS[isrc][1]
    if quarter == "2026-Q2":
        pop = pct(pop, Q2_TREND.get(isrc, 90))
    return pop


def stream_line(rng, period, isrc, store, territory, pop, base, source="streaming"):
    """One streaming line: units from popularity weights, amount = units x rate."""
    cur = CURRENCY[territory]
    units = base * pop * TERRITORY_W[territory] * STORE_W[store] // 1_000_000_000
    units = max(jitter(rng, units), rng.randint(3, 40))
    lo, hi = STREAM_PRICE_MICRO[cur]
    micro = pct(rng.randint(lo, hi), STORE_PRICE[store])
    amount = Decimal(units * micro).scaleb(-6)
    return row(period, isrc, source, territory, store, units,
               money(amount, cur, MICRO), cur)


def streaming_file(rng, q):
    year, months = QUARTERS[q]["year"], QUARTERS[q]["months"]
    rows = []
    for m in months:
        period = month(year, m)
        base = rng.randint(180_000, 260_000)
        for isrc in TRACKS:
            pop = popularity(isrc, q)
            if isrc in CITY and period < "2026-02":
                # Released before the agreement's start: a few January lines,
                # reported as out of term.
                picks = [("Spotify", "US"), ("Spotify", "GB"), ("Apple Music", "US")]
                if isrc == CITY[1]:
                    picks = picks[:1]
            else:
                k = (rng.randint(8, 12) if pop >= 300 else
                     rng.randint(5, 8) if pop >= 100 else rng.randint(3, 6))
                others = [c for c in STREAM_COMBOS if c != ("Spotify", "US")]
                picks = [("Spotify", "US")] + rng.sample(others, k - 1)
                picks.sort(key=STREAM_COMBOS.index)
            for store, terr in picks:
                rows.append(stream_line(rng, period, isrc, store, terr, pop, base))
            # YouTube Content ID: video views, worldwide, paid in USD.
            views = jitter(rng, rng.randint(60_000, 120_000) * pop // 1000)
            if isrc in CITY and period < "2026-02" and isrc == CITY[1]:
                continue
            views = max(views, rng.randint(50, 500))
            amount = Decimal(views * rng.randint(800, 2000)).scaleb(-6)
            rows.append(row(period, isrc, "video", "WW", "YouTube Content ID",
                            views, money(amount, "USD", MICRO), "USD"))

    # Late-reported months (receipts basis: they belong to this quarter).
    late_tracks = ["QZNWX2500101", "QZNWX2500102", "QZNWX2500201", "QZNWX2500202"]
    if q == "2026-Q2":
        late_tracks = ["QZNWX2600001", "QZNWX2500101", "QZNWX2600301"]
    for period in QUARTERS[q]["late"]:
        for isrc in late_tracks:
            store, terr = rng.choice([("Amazon Music", "US"), ("Deezer", "FR"),
                                      ("Tidal", "US"), ("Amazon Music", "DE")])
            rows.append(stream_line(rng, period, isrc, store, terr,
                                    popularity(isrc, q), rng.randint(150_000, 200_000)))

    # Chargebacks: artificial streams detected and taken back by the store.
    first = month(year, months[0])
    for isrc, store, terr in [("QZNWX2600001", "Spotify", "US"),
                              ("QZNWX2500102", "Deezer", "FR"),
                              ("QZNWX2600001", "Spotify", "JP")][: 3 if q == "2026-Q1" else 2]:
        units = rng.randint(2_000, 15_000)
        cur = CURRENCY[terr]
        lo, hi = STREAM_PRICE_MICRO[cur]
        amount = Decimal(units * rng.randint(lo, hi)).scaleb(-6)
        rows.append(row(first, isrc, "streaming", terr, f"{store} (artificial streams removed)",
                        -units, money(-amount, cur, MICRO), cur))

    # ISRCs no agreement covers: reported as unmatched, never dropped.
    for isrc, store, terr in [(UNMATCHED[0], "Spotify", "US"),
                              (UNMATCHED[0], "Spotify", "GB"),
                              (UNMATCHED[1], "Apple Music", "DE"),
                              (UNMATCHED[2], "Spotify", "JP")]:
        rows.append(stream_line(rng, month(year, rng.choice(months)), isrc, store,
                                terr, 40, rng.randint(150_000, 200_000)))
    return rows


def downloads_file(rng, q):
    year, months = QUARTERS[q]["year"], QUARTERS[q]["months"]
    rows = []
    for m in months:
        period = month(year, m)
        for isrc in TRACKS:
            pop = popularity(isrc, q)
            if isrc in CITY and period < "2026-02":
                picks = [("iTunes", "US")] if isrc == CITY[0] else []
            else:
                k = rng.randint(2, 4) if pop >= 200 else rng.randint(0, 2)
                picks = sorted(rng.sample(DOWNLOAD_COMBOS, k), key=DOWNLOAD_COMBOS.index)
            for store, terr in picks:
                cur = CURRENCY[terr]
                units = rng.randint(1, pop // 8 + 3)
                rows.append(row(period, isrc, "download", terr, store, units,
                                money(DOWNLOAD_PRICE[cur] * units, cur), cur))
    # Bandcamp: sales reported per day, paid in USD whatever the buyer's country.
    bandcamp = [i for i in TRACKS] * 2
    rng.shuffle(bandcamp)
    for isrc in bandcamp[:14]:
        date = day(rng, year, rng.choice(months))
        if isrc in CITY and date < "2026-02":
            date = "2026-02-" + date[-2:]
        units = rng.randint(1, 6)
        price = Decimal(rng.randint(85, 120)).scaleb(-2)   # name-your-price, net
        rows.append(row(date, isrc, "download", rng.choice(["US", "GB", "DE", "JP", "SE"]),
                        "Bandcamp", units, money(price * units, "USD"), "USD"))
    if q == "2026-Q1":
        # Out of term: City of Echoes bought on Bandcamp before 2026-02-01.
        rows.append(row("2026-01-28", CITY[0], "download", "US", "Bandcamp", 3,
                        money(Decimal("0.95") * 3, "USD"), "USD"))
        rows.append(row("2026-02-14", "QZNWX2600001", "download", "US", "Bandcamp", 25,
                        money(Decimal("1.00") * 25, "USD"), "USD"))  # Valentine's sale
    # Refunds.
    for isrc, terr, units in [("QZNWX2600001", "US", 1), ("QZNWX2500101", "GB", 2)]:
        cur = CURRENCY[terr]
        rows.append(row(month(year, months[1]), isrc, "download", terr, "iTunes (refund)",
                        -units, money(-DOWNLOAD_PRICE[cur] * units, cur), cur))
    rows.append(row(month(year, months[2]), UNMATCHED[0], "download", "US", "iTunes",
                    7, money(DOWNLOAD_PRICE["USD"] * 7, "USD"), "USD"))
    return rows


def physical_file(rng, q):
    year, months = QUARTERS[q]["year"], QUARTERS[q]["months"]
    lp = "QZNWX2500201"   # physical sales of the LP are reported on its lead track
    rows = []
    # (store, territory, net unit price, units range)
    lp_accounts = [("Proper Music Distribution", "GB", "10.50", (40, 180)),
                   ("Rough Trade", "GB", "11.00", (10, 60)),
                   ("Juno Records", "GB", "10.20", (10, 40)),
                   ("HHV", "DE", "11.80", (10, 50)),
                   ("Disk Union", "JP", "1650", (5, 30)),
                   ("Amoeba Music", "US", "11.50", (5, 25))]
    if q == "2026-Q2":
        lp_accounts[0] = ("Proper Music Distribution", "GB", "10.50", (20, 90))
    for m in months:
        for store, terr, price, (lo, hi) in lp_accounts:
            cur = CURRENCY[terr]
            units = rng.randint(lo, hi)
            # Shipments from the distributor carry their dispatch date.
            period = day(rng, year, m) if store.startswith("Proper") else month(year, m)
            rows.append(row(period, lp, "physical", terr, store, units,
                            money(Decimal(price) * units, cur), cur))
    # Midnight Drive 7-inch single, Harbour Lights CD.
    for m in months:
        units = rng.randint(30, 120)
        rows.append(row(month(year, m), "QZNWX2600001", "physical", "US",
                        "Merch table (7-inch)", units, money(Decimal("8.50") * units, "USD"), "USD"))
        units = rng.randint(10, 40)
        rows.append(row(month(year, m), "QZNWX2500101", "physical", "DE", "HHV (CD)",
                        units, money(Decimal("9.00") * units, "EUR"), "EUR"))
    units = rng.randint(5, 15)
    rows.append(row(month(year, months[2]), "QZNWX2500101", "physical", "JP", "Disk Union (CD)",
                    units, money(Decimal("1200") * units, "JPY"), "JPY"))
    # Returns from shops: negative units and amount.
    for store, terr, price, isrc in [("Proper Music Distribution", "GB", "10.50", lp),
                                     ("HHV", "DE", "11.80", lp),
                                     ("Merch table (7-inch)", "US", "8.50", "QZNWX2600001")]:
        cur = CURRENCY[terr]
        units = rng.randint(2, 12)
        rows.append(row(month(year, months[-1]), isrc, "physical", terr, f"{store} (returns)",
                        -units, money(-Decimal(price) * units, cur), cur))
    # Late: Christmas sales reported after the quarter closed.
    for period in QUARTERS[q]["late"][-1:]:
        units = rng.randint(80, 200)
        rows.append(row(period, lp, "physical", "GB", "Proper Music Distribution", units,
                        money(Decimal("10.50") * units, "GBP"), "GBP"))
    units = rng.randint(3, 9)
    rows.append(row(month(year, months[0]), UNMATCHED[1], "physical", "GB", "Juno Records",
                    units, money(Decimal("9.80") * units, "GBP"), "GBP"))
    return rows


# One-off deals per quarter: (period, isrc, source, territory, licensee, units,
# amount, currency, tax withheld at source or "").
SYNC = {
    "2026-Q1": [
        ("2026-02-14", "QZNWX2600001", "sync", "US", "Northlight Pictures (TV promo)", 1, "2500.00", "USD", ""),
        ("2026-03-03", "QZNWX2500102", "sync", "FR", "Studio Littoral (short film)", 1, "4000.00", "EUR", ""),
        ("2026-02", "QZNWX2500101", "licensing", "DE", "Chill Lounge Vol. 9 (compilation)", 1, "750.00", "EUR", ""),
        ("2026-03", "QZNWX2500104", "licensing", "DE", "Chill Lounge Vol. 8 (cancelled: fee refunded)", -1, "-300.00", "EUR", ""),
        ("2026-01", "QZNWX2500202", "licensing", "GB", "Soul Classics box set", 1, "1200.00", "GBP", ""),
        ("2026-03-20", "QZNWX2600001", "sync", "JP", "Tokyo Broadcasting (TV commercial)", 1, "350000", "JPY", "71470"),
        ("2026-01-25", "QZNWX2600301", "sync", "US", "Pixelwave Games (trailer)", 1, "1800.00", "USD", ""),
        ("2026-03-10", "QZNWX2600301", "licensing", "WW", "Stride Fitness (app licence)", 1, "900.00", "USD", ""),
        ("2026-03", "QZNWX2600002", "sync", "GB", "Bright Lane Agency (online ad)", 1, "1500.00", "GBP", ""),
        ("2026-02", UNMATCHED[1], "sync", "US", "Harbor Films (ISRC not on file)", 1, "1250.00", "USD", ""),
    ],
    "2026-Q2": [
        ("2026-04-22", "QZNWX2600001", "sync", "US", "Streamline Studios (TV series)", 1, "5000.00", "USD", ""),
        ("2026-05", "QZNWX2500103", "licensing", "WW", "Calm Waters (meditation app)", 1, "1200.00", "USD", ""),
        ("2026-06-01", "QZNWX2500203", "licensing", "GB", "Kestrel Films (documentary)", 1, "3000.00", "GBP", ""),
        ("2026-05-18", "QZNWX2600302", "sync", "JP", "Shibuya Motors (TV commercial)", 1, "500000", "JPY", "102100"),
        ("2026-06", "QZNWX2600301", "licensing", "FR", "Radio Nova (jingle licence)", 1, "800.00", "EUR", ""),
        ("2026-04", "QZNWX2600301", "sync", "US", "Pixelwave Games (trailer, extended use)", 1, "1200.00", "USD", ""),
        ("2026-06", "QZNWX2500101", "sync", "DE", "Nordlicht Werbung (ad, cancelled: fee refunded)", -1, "-600.00", "EUR", ""),
        ("2026-05", UNMATCHED[0], "sync", "US", "Harbor Films (ISRC not on file)", 1, "950.00", "USD", ""),
    ],
}

# Neighbouring rights societies: (store, territory).
SOCIETIES = [("PPL", "GB"), ("SoundExchange", "US"), ("GVL", "DE"),
             ("SCPP", "FR"), ("CPRA", "JP")]
NR_HEADER = ["source", "isrc", "amount", "currency", "territory", "period",
             "units", "store", "notes"]


def neighbouring_file(rng, q):
    year, months = QUARTERS[q]["year"], QUARTERS[q]["months"]
    rows = []
    if q == "2026-Q1":
        usage = [("2025-10", ["QZNWX2500101", "QZNWX2500102", "QZNWX2500201"]),
                 ("2025-12", ["QZNWX2500101", "QZNWX2500201", "QZNWX2500202"]),
                 ("2026-02", ["QZNWX2600001", "QZNWX2600301"])]
    else:
        usage = [("2026-01", ["QZNWX2600001", "QZNWX2500101", "QZNWX2500201"]),
                 ("2026-03", ["QZNWX2600001", "QZNWX2600301", "QZNWX2500103"]),
                 ("2026-05", ["QZNWX2600001", "QZNWX2600301", "QZNWX2600302"])]
    for period, isrcs in usage:
        for isrc in isrcs:
            for store, terr in rng.sample(SOCIETIES, rng.randint(2, 3)):
                cur = CURRENCY[terr]
                plays = rng.randint(20, 400)
                # Per-play value in hundredths (whole yen for JPY).
                per_play = Decimal(rng.randint(8, 40)) if cur == "JPY" else Decimal(rng.randint(5, 30)).scaleb(-2)
                note = f"{store} distribution, broadcasts and public performance {period}"
                rows.append(row(period, isrc, "performance", terr, store, plays,
                                money(per_play * plays, cur), cur, notes=note))
    rows.append(row(month(year, months[1]), UNMATCHED[2], "performance", "GB", "PPL", 31,
                    money(Decimal("0.12") * 31, "GBP"), "GBP",
                    notes="claimed recording: not in our catalogue (check the ISRC)"))
    rows.append(row(month(year, months[0]), "QZNWX2500201", "performance", "GB", "PPL", -12,
                    money(Decimal("-0.18") * 12, "GBP"), "GBP",
                    notes="correction: plays double-counted in the previous distribution"))
    return rows


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n", extrasaction="raise")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def write_fx():
    rows = []
    for i, date in enumerate(FX_DATES):
        for (a, b), rates in FX.items():
            Decimal(rates[i])  # must parse as an exact decimal
            rows.append({"date": date, "from": a, "to": b, "rate": rates[i]})
    write_csv(SAMPLES / "fx.csv", ["date", "from", "to", "rate"], rows)


def generate():
    rng = random.Random(SEED)
    write_fx()
    written = []
    for q in QUARTERS:
        folder = SAMPLES / q
        files = [
            ("distributor-streaming.csv", CANONICAL, streaming_file(rng, q)),
            ("stores-downloads.csv", CANONICAL, downloads_file(rng, q)),
            ("physical-uk.csv", CANONICAL, physical_file(rng, q)),
            ("sync-licensing.csv", CANONICAL + ["tax_withheld"],
             [row(p, i, s, t, st, u, a, c, tax_withheld=tw)
              for (p, i, s, t, st, u, a, c, tw) in SYNC[q]]),
            ("neighbouring-rights.csv", NR_HEADER, neighbouring_file(rng, q)),
        ]
        for name, header, rows in files:
            write_csv(folder / name, header, rows)
            written.append(folder / name)
    return written


def summarise(paths):
    """Re-reads the written files and prints lines and totals per currency."""
    for q in QUARTERS:
        print(f"== {q}")
        grand = defaultdict(Decimal)
        lines = 0
        for path in [p for p in paths if p.parent.name == q]:
            totals = defaultdict(Decimal)
            with path.open(newline="", encoding="utf-8") as f:
                rd = list(csv.DictReader(f))
            for r in rd:
                totals[r["currency"]] += Decimal(r["amount"])
                grand[r["currency"]] += Decimal(r["amount"])
            lines += len(rd)
            cells = "  ".join(f"{c} {totals[c]}" for c in sorted(totals))
            print(f"  {path.name:26} {len(rd):4} lines  {cells}")
        cells = "  ".join(f"{c} {grand[c]}" for c in sorted(grand))
        print(f"  {'total':26} {lines:4} lines  {cells}")


if __name__ == "__main__":
    summarise(generate())
