#!/usr/bin/env python3
"""Writes the benchmark's agreements (deterministic).

usage:
  gen_agreements.py
      bench/agreements/bench-01.toml .. bench-20.toml: the original benchmark's
      20 agreements (committed; rerun only to change them). Agreement k covers
      the 10 ISRCs QZBEN26000(10k-9)..(10k) of the 200-ISRC statement, accounts
      in USD, and pays 2 to 4 parties "points" of net receipts per source.
  gen_agreements.py --out DIR --agreements N --isrcs M --cover F [--seed S]
      a label's catalogue of N agreements covering the fraction F (0 < F <= 1)
      of the M ISRCs of a `gen_statement --isrcs M` statement (bench/matrix.py
      writes them into bench/data/, never committed).

Catalogue agreements, as a label signs them:
- the covered ISRCs are spread evenly over the popularity ranks (one in
  each run of 10 for F = 10%: hits and long tail alike), chosen so that F of
  the lines match, then dealt out in a shuffled order: an agreement's tracks
  are not neighbours in popularity;
- an agreement is a single (1-2 tracks, 45%), an EP (4-6, 30%), an album
  (9-14, 22%) or a catalogue deal (30-80, 3%), scaled so that the N
  agreements hold exactly the covered ISRCs, at least one each;
- 1 to 4 parties (a producer first, then co-producer, mixer, programmer,
  engineer or vocal arranger); 80% of the agreements pay each party points
  per source (its role's usual sources and rates, +-20%), 20% a pool per
  source split 100/0, 60/40, 50/30/20 ...: exact decimals, so DuckDB computes
  the same rates (pool x split) without rounding.
Only the plain keys of an agreement file are used (id, title, currency, signed,
[[track]], [[party]], [rates.<party>], [pool], [split]); no milestones,
advances or reserves: the benchmark measures reading, matching and summing.
"""
import argparse
import random
import shutil
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent / "agreements"

# ---------------------------------------------------------------- original 20

# (id, name, role, sources it is paid on)
PARTIES = [
    ("ava", "Ava Stone", "producer",
     ["streaming", "download", "physical", "video", "sync", "licensing"]),
    ("ben", "Ben Ortiz", "mixer", ["streaming", "download", "video"]),
    ("cy", "Cy Marlowe", "programmer", ["streaming", "physical", "sync"]),
    ("dee", "Dee Park", "engineer", ["streaming", "video", "performance"]),
]
# Base points per source; varied per agreement and party below.
BASE = {"streaming": 40, "download": 45, "physical": 30, "video": 35,
        "sync": 150, "licensing": 100, "performance": 20}  # tenths of a percent


def pct(tenths: int) -> str:
    whole, frac = divmod(tenths, 10)
    return f'"{whole}%"' if frac == 0 else f'"{whole}.{frac}%"'


def original() -> None:
    OUT.mkdir(exist_ok=True)
    for a in range(1, 21):
        n_parties = 2 + (a % 3)  # 2, 3 or 4
        first = 10 * (a - 1) + 1
        lines = [
            f'id = "bench-{a:02d}"',
            f'title = "Benchmark catalogue {a:02d}"',
            'currency = "USD"',
            f"signed = 2025-{1 + (a % 12):02d}-{1 + (a % 27):02d}",
            "",
        ]
        for i in range(first, first + 10):
            lines += ["[[track]]", f'isrc = "QZBEN26{i:05d}"',
                      f'title = "Bench Track {i}"', ""]
        parties = PARTIES[:n_parties]
        for pid, name, role, _ in parties:
            lines += ["[[party]]", f'id = "{pid}"', f'name = "{name}"',
                      f'role = "{role}"', ""]
        for k, (pid, _, _, sources) in enumerate(parties):
            lines.append(f"[rates.{pid}]")
            for s in sources:
                # +-1.5 points of variation, deterministic.
                tenths = BASE[s] + ((a * 7 + k * 13 + len(s)) % 31) - 15
                if k > 0:
                    tenths = tenths * 2 // 3
                lines.append(f"{s} = {pct(tenths)}")
            lines.append("")
        (OUT / f"bench-{a:02d}.toml").write_text("\n".join(lines).rstrip() + "\n")


# ---------------------------------------------------------------- catalogue

FIRST = ["ava", "ben", "cy", "dee", "eli", "fay", "gus", "hal", "ida", "jo",
         "kai", "lou", "mo", "nia", "oz", "pia", "quinn", "rae", "sol", "tess",
         "uma", "vic", "wes", "xan", "yara", "zed"]
LAST = ["stone", "ortiz", "marlowe", "park", "okafor", "lindqvist", "moreau",
        "tanaka", "silva", "kowalski", "haddad", "nguyen", "brennan", "adeyemi",
        "rossi", "fischer", "novak", "costa", "mehta", "walsh"]
# Role -> usual points per source, in hundredths of a percent.
ROLE_RATES = {
    "producer": {"streaming": 400, "download": 400, "physical": 300, "video": 300,
                 "sync": 1500, "licensing": 1000},
    "co-producer": {"streaming": 200, "download": 200, "physical": 150, "video": 150,
                    "sync": 750, "licensing": 500},
    "mixer": {"streaming": 150, "download": 150, "video": 100},
    "programmer": {"streaming": 100, "physical": 100, "sync": 500},
    "engineer": {"streaming": 50, "video": 50, "performance": 200},
    "vocal arranger": {"streaming": 75, "download": 75},
}
# Pool per source (hundredths of a percent): low, high.
POOLS = {"streaming": (800, 1200), "download": (800, 1200), "physical": (600, 900),
         "video": (500, 800), "sync": (2000, 3000), "licensing": (1500, 2500),
         "performance": (200, 500)}
SPLITS = {1: [[100]], 2: [[60, 40], [70, 30], [50, 50]],
          3: [[50, 30, 20], [40, 40, 20], [50, 25, 25], [45, 35, 20]],
          4: [[40, 30, 20, 10], [25, 25, 25, 25], [55, 20, 15, 10]]}
# Kind of release: weight, fewest and most tracks.
KINDS = [(45, 1, 2), (30, 4, 6), (22, 9, 14), (3, 30, 80)]


def hundredths(v: int) -> str:
    """Hundredths of a percent as a rate string: 412 -> "4.12%"."""
    s = str(Decimal(v) / 100)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return f'"{s}%"'


def isrc(n: int) -> str:
    """ISRC number n of examples/gen_statement (`--isrcs`)."""
    return f"QZBEN{26 - n // 100_000:02d}{n % 100_000:05d}"


def covered(isrcs: int, count: int) -> list[int]:
    """`count` of the ISRC numbers 1..isrcs, one in each run of isrcs/count
    popularity ranks, chosen so that the covered ISRCs draw count/isrcs of
    the lines: the one that brings the running covered weight closest to that
    share of the weight so far (Zipf weights exactly as gen_statement draws
    them: floor(2^40 / rank))."""
    if count == isrcs:
        return list(range(1, isrcs + 1))
    chosen, got, seen = [], 0, 0
    for j in range(count):
        block = range(j * isrcs // count + 1, (j + 1) * isrcs // count + 1)
        seen += sum((1 << 40) // k for k in block)
        best = min(block, key=lambda k: (abs(isrcs * (got + (1 << 40) // k) - count * seen), k))
        chosen.append(best)
        got += (1 << 40) // best
    return chosen


def sizes(rng: random.Random, n: int, total: int) -> list[int]:
    """n release sizes (>= 1 each) summing to total, shaped like KINDS."""
    weights = [k[0] for k in KINDS]
    nominal = []
    for _ in range(n):
        _, lo, hi = rng.choices(KINDS, weights=weights)[0]
        nominal.append(rng.randint(lo, hi))
    extra, whole = total - n, sum(nominal)
    # Largest remainder: the tracks beyond one each, pro rata to nominal size.
    shares = [extra * x // whole for x in nominal]
    by_rest = sorted(range(n), key=lambda i: (-(extra * nominal[i] % whole), i))
    for i in by_rest[: extra - sum(shares)]:
        shares[i] += 1
    return [1 + s for s in shares]


def catalogue_agreement(rng: random.Random, k: int, tracks: list[int]) -> str:
    n_parties = rng.choices([1, 2, 3, 4], weights=[15, 35, 30, 20])[0]
    roles = ["producer"] + rng.sample([r for r in ROLE_RATES if r != "producer"], n_parties - 1)
    names = rng.sample([(f, l) for f in FIRST for l in LAST], n_parties)
    lines = [f'id = "cat-{k:05d}"', f'title = "Catalogue agreement {k:05d}"', 'currency = "USD"',
             f"signed = {rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", ""]
    for n in tracks:
        lines += ["[[track]]", f'isrc = "{isrc(n)}"', f'title = "Track {n}"', ""]
    ids = [f"{f}-{l}" for f, l in names]
    for pid, (f, l), role in zip(ids, names, roles):
        lines += ["[[party]]", f'id = "{pid}"', f'name = "{f.title()} {l.title()}"',
                  f'role = "{role}"', ""]
    if rng.random() < 0.2:
        lines.append("[pool]")
        for source, (lo, hi) in POOLS.items():
            if source == "performance" and rng.random() < 0.5:
                continue
            lines.append(f"{source} = {hundredths(rng.randint(lo, hi))}")
        lines += ["", "[split]"]
        for pid, share in zip(ids, rng.choice(SPLITS[n_parties])):
            lines.append(f'{pid} = "{share}%"')
        lines.append("")
    else:
        for pid, role in zip(ids, roles):
            lines.append(f"[rates.{pid}]")
            for source, base in ROLE_RATES[role].items():
                lines.append(f"{source} = {hundredths(base * rng.randint(80, 120) // 100)}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def catalogue(out: Path, agreements: int, isrcs: int, cover: Decimal, seed: int) -> None:
    count = int((cover * isrcs).to_integral_value())
    if not 0 < cover <= 1 or count < agreements:
        raise SystemExit(f"{agreements} agreements need at least as many covered ISRCs "
                         f"(cover {cover} of {isrcs} is {count})")
    rng = random.Random(seed)
    chosen = covered(isrcs, count)
    rng.shuffle(chosen)
    part = out.with_name(out.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    at = 0
    for k, size in enumerate(sizes(rng, agreements, count), start=1):
        tracks = sorted(chosen[at:at + size])
        at += size
        (part / f"cat-{k:05d}.toml").write_text(catalogue_agreement(rng, k, tracks))
    shutil.rmtree(out, ignore_errors=True)
    part.rename(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--agreements", type=int)
    ap.add_argument("--isrcs", type=int)
    ap.add_argument("--cover", type=Decimal, help="fraction of the ISRCs covered, e.g. 0.1")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    if args.out is None:
        original()
    elif None in (args.agreements, args.isrcs, args.cover):
        ap.error("--out needs --agreements, --isrcs and --cover")
    else:
        catalogue(args.out, args.agreements, args.isrcs, args.cover, args.seed)


if __name__ == "__main__":
    main()
