"""What the benchmark harnesses share (bench/bench.py, sizes of the original
benchmark; bench/matrix.py, the catalogue matrix): running and timing a
child, its peak RSS, the agreements as tables for DuckDB, and the
figure-by-figure check of royalty's JSON against DuckDB's result, so that
both are known to do the same work.
"""
import csv
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
PERIOD = "2026-Q1"
CENT = Decimal("0.01")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def warm(path: Path) -> None:
    """Reads a file, or every file of a folder, into the page cache."""
    for p in sorted(path.iterdir()) if path.is_dir() else [path]:
        with open(p, "rb") as f:
            while f.read(1 << 24):
                pass


def statement(gen: str, lines: int, seed: int, layout: str, isrcs: int | None = None,
              files: int | None = None) -> Path:
    """The statement examples/gen_statement writes for these arguments, in
    bench/data/ (generated once: delete it to regenerate). A file, or with
    `files` a folder of that many files."""
    ext = "csv" if layout == "canonical" else "tsv"
    name = f"statement-{lines}-s{seed}" + (f"-i{isrcs}" if isrcs else "")
    out = DATA / (f"{name}-f{files}-{ext}" if files else f"{name}.{ext}")
    if out.exists():
        return out
    part = out.with_name(out.name + ".part")
    if part.is_dir():
        shutil.rmtree(part)
    part.unlink(missing_ok=True)
    log(f"generating {out.relative_to(ROOT)} ...")
    argv = [gen, str(lines), str(part), "--format", layout, "--seed", str(seed)]
    argv += ["--isrcs", str(isrcs)] if isrcs else []
    argv += ["--files", str(files)] if files else []
    subprocess.run(argv, check=True)
    part.rename(out)
    return out


# ---------------------------------------------------------------- running


def run_once(argv: list[str], cwd: Path) -> tuple[float, float, int, bytes]:
    """Wall seconds, peak RSS in MB (ru_maxrss), exit status, stderr."""
    with open(os.devnull, "wb") as null, open(DATA / "last-stderr.txt", "w+b") as errf:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=null, stderr=errf)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read()
    return wall, ru.ru_maxrss / 1024.0, p.returncode, err


def time_v_rss(argv: list[str], cwd: Path) -> float | None:
    """Peak RSS in MB as /usr/bin/time -v reports it, or None."""
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    out = DATA / "time-v.txt"
    with open(os.devnull, "wb") as null:
        r = subprocess.run(["/usr/bin/time", "-v", "-o", str(out)] + argv, cwd=cwd,
                           stdin=subprocess.DEVNULL, stdout=null, stderr=null)
    if r.returncode != 0:
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.read_text())
    return int(m.group(1)) / 1024.0 if m else None


def first_line(err: bytes) -> str:
    lines = [l for l in err.decode("utf-8", "replace").splitlines() if l.strip()]
    return lines[0][:200] if lines else "(no message)"


class Variant:
    """One command timed again and again: its wall times, RSS, query times."""

    def __init__(self, name: str, argv: list[str], cwd: Path):
        self.name, self.argv, self.cwd = name, argv, cwd
        self.walls: list[float] = []
        self.rss_runs: list[float] = []
        self.rss_time_v: float | None = None
        self.query: list[float] = []  # duckdb only: in-process query seconds

    def run(self) -> tuple[int, bytes]:
        """Runs once, recording the wall time, RSS and DuckDB's query time."""
        wall, rss, code, err = run_once(self.argv, self.cwd)
        if code == 0:
            self.walls.append(wall)
            self.rss_runs.append(rss)
            m = re.search(rb"query_seconds=([0-9.]+)", err)
            if m:
                self.query.append(float(m.group(1)))
        return code, err

    def median(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    def rss(self) -> float | None:
        """/usr/bin/time -v's figure. Failing that, wait4's ru_maxrss, an upper
        bound only: it counts the pages the child had from the fork of this
        Python process before exec."""
        if self.rss_time_v is not None:
            return self.rss_time_v
        return max(self.rss_runs) if self.rss_runs else None

    def rss_text(self) -> str:
        if self.rss_time_v is not None:
            return f"{self.rss_time_v:.1f} MB"
        if not self.rss_runs:
            return "n/a"
        return f"<= {max(self.rss_runs):.1f} MB (wait4, counts the harness's fork)"


def royalty_probe(royalty: str, cwd: Path, argv_tail: list[str], out_json: Path) -> tuple[bool, str]:
    """Runs royalty once, keeping its JSON; (ok, reason if not)."""
    with open(out_json, "wb") as out:
        r = subprocess.run([royalty] + argv_tail, cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=out, stderr=subprocess.PIPE)
    if r.returncode != 0:
        return False, f"exit {r.returncode}: {first_line(r.stderr)}"
    try:
        json.loads(out_json.read_text())
    except ValueError as e:
        return False, f"output is not JSON ({e})"
    return True, ""


def help_text(royalty: str) -> str:
    try:
        r = subprocess.run([royalty, "run", "--help"], capture_output=True, timeout=30)
        return (r.stdout + r.stderr).decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return ""


def duckdb_version() -> str:
    try:
        import duckdb  # noqa: PLC0415

        return duckdb.__version__
    except ImportError:
        return "?"


# ---------------------------------------------------------------- agreements

# The keys DuckDB's side computes; anything else (milestones, advances,
# per-unit rates, weighted splits, terms) would make its figures wrong.
TABLE_KEYS = {"id", "title", "currency", "signed", "track", "party", "rates", "pool", "split"}


def percent(path: str, where: str, value: object) -> Decimal:
    if not (isinstance(value, str) and value.endswith("%")):
        sys.exit(f"{path}: {where}: only \"N%\" is supported by the benchmark's DuckDB side")
    return Decimal(value[:-1]) / 100


def agreement_rates(path: str, a: dict) -> list[tuple[str, str, Decimal]]:
    """(party, source, rate) of one agreement: `rates`, or `pool` x `split`."""
    unknown = set(a) - TABLE_KEYS
    if unknown:
        sys.exit(f"{path}: {', '.join(sorted(unknown))}: not computed by the benchmark's DuckDB side")
    if a.get("currency", "USD") != "USD":
        sys.exit(f"{path}: the benchmark's DuckDB side assumes USD agreements")
    out = []
    for party, by_source in a.get("rates", {}).items():
        for source, rate in by_source.items():
            out.append((party, source, percent(path, f"rates.{party}.{source}", rate)))
    split = a.get("split", {})
    for party, share in split.items():
        for source, pool in a.get("pool", {}).items():
            out.append((party, source, percent(path, f"pool.{source}", pool)
                        * percent(path, f"split.{party}", share)))
    return out


def write_rate_tables(agreements: Path, tracks: Path, rates: Path) -> None:
    """tracks.csv (agreement,isrc) and rates.csv (agreement,party,source,rate)
    for DuckDB, from the agreement files themselves."""
    with open(tracks, "w", newline="") as tf, open(rates, "w", newline="") as rf:
        tw, rw = csv.writer(tf), csv.writer(rf)
        tw.writerow(["agreement", "isrc"])
        rw.writerow(["agreement", "party", "source", "rate"])
        for path in sorted(glob.glob(str(agreements / "*.toml"))):
            with open(path, "rb") as f:
                a = tomllib.load(f)
            for t in a.get("track", []):
                tw.writerow([a["id"], t["isrc"].replace("-", "").upper()])
            for party, source, rate in agreement_rates(path, a):
                rw.writerow([a["id"], party, source, str(rate)])


# ---------------------------------------------------------------- checking


def read_duck(duck_csv: Path) -> dict[str, dict[tuple[str, str], Decimal]]:
    """DuckDB's rows by kind, then (agreement, party or source)."""
    out: dict[str, dict[tuple[str, str], Decimal]] = {}
    with open(duck_csv, newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["kind"], {})[(row["agreement"], row["party"])] = Decimal(row["value"])
    return out


def compare(royalty_json: Path, duck_csv: Path) -> tuple[bool | None, str]:
    """Royalty's figures against DuckDB's exact sums, as docs/arithmetic.md
    rounds them: each agreement's revenue half-to-even to the cent and its
    units per source exactly; each party's `earned` is its exact earnings
    floored to the cent, plus at most the one cent the largest remainders
    hand out; the unmatched lines exactly and their amount to the cent.
    A figure one side has and the other lacks counts as zero there.
    (ok or None when not comparable, text)."""
    try:
        doc = json.loads(royalty_json.read_text())
    except (OSError, ValueError):
        return None, "n/a (no royalty output)"
    duck = read_duck(duck_csv)
    revenue, units, earned = (duck.get(k, {}) for k in ("revenue", "units", "earned"))
    unmatched = duck.get("unmatched", {})
    diffs: list[str] = []
    checked = 0

    def differ(what: str, mine: object, exact: object) -> None:
        diffs.append(f"{what}: royalty {mine} duckdb {exact}")

    try:
        for a in doc.get("agreements", []):
            aid = a["agreement"]
            exact = revenue.pop((aid, ""), Decimal(0))
            checked += 1
            if Decimal(a["revenue"]) != exact.quantize(CENT, ROUND_HALF_EVEN):
                differ(f"revenue {aid}", a["revenue"], exact)
            for source, n in (a.get("units") or {}).items():
                exact = units.pop((aid, source), Decimal(0))
                checked += 1
                if int(n) != exact:
                    differ(f"units {aid}/{source}", n, exact)
        for p in doc.get("payouts", []):
            exact = earned.pop((p["agreement"], p["party"]), Decimal(0))
            floor = exact.quantize(CENT, ROUND_FLOOR)
            checked += 1
            if not floor <= Decimal(p["earned"]) <= floor + CENT:
                differ(f"earned {p['agreement']}/{p['party']}", p["earned"], exact)
        for kind, left in (("revenue", revenue), ("units", units), ("earned", earned)):
            for key, exact in left.items():
                checked += 1
                if exact != 0:
                    differ(f"{kind} {'/'.join(k for k in key if k)}", "(none)", exact)
        um = doc.get("unmatched") or {}
        if "lines" in um:
            checked += 1
            if int(um["lines"]) != unmatched.get(("", "lines"), 0):
                differ("unmatched lines", um["lines"], unmatched.get(("", "lines")))
        amount = (um.get("amount") or {}).get("USD", "0")
        exact = unmatched.get(("", "amount"))
        if exact is not None:
            checked += 1
            if abs(Decimal(amount) - exact) > CENT / 2:
                differ("unmatched amount", amount, exact)
    except (KeyError, TypeError, ValueError, ArithmeticError) as e:
        return None, f"n/a (unexpected royalty JSON: {e!r})"
    if checked == 0:
        return None, "n/a (royalty JSON has no agreements/payouts)"
    if diffs:
        return False, f"DIFFER ({len(diffs)} of {checked} figures): " + "; ".join(diffs[:4])
    return True, f"same figures ({checked:,} compared)"


def same_revenue(canonical_json: Path, profile_json: Path) -> str:
    """The DistroKid TSV holds the same lines: each agreement's revenue must be
    the same (units per source may differ: the profile maps stores to sources)."""
    try:
        a = {x["agreement"]: x["revenue"] for x in json.loads(canonical_json.read_text())["agreements"]}
        b = {x["agreement"]: x["revenue"] for x in json.loads(profile_json.read_text())["agreements"]}
    except (OSError, ValueError, KeyError, TypeError) as e:
        return f"n/a ({e})"
    diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    return f"DIFFER on {len(diff)} agreements' revenue ({', '.join(diff[:4])})" if diff \
        else f"same revenue ({len(a)} agreements)"


# ---------------------------------------------------------------- report


def fmt(v: float | None, nd: int = 3) -> str:
    return "n/a" if v is None else f"{v:.{nd}f}"


def ratio(a: float | None, b: float | None, nd: int = 2) -> str:
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.{nd}f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")
