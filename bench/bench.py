#!/usr/bin/env python3
"""The benchmark harness behind bench/run.sh (see bench/README.md).

usage: bench.py --royalty BIN --gen BIN [--runs 5] [--seed 2026] LINES...

For each size: generates the statement once (canonical CSV and the same lines
as a DistroKid TSV) into bench/data/, warms the page cache, then times, round
robin so that drift hits every variant alike, RUNS times each:

  royalty      royalty run --format json (default threads)
  royalty-1t   the same with --threads 1      (n/a if the CLI has no --threads)
  royalty-2t   the same with --threads 2
  distrokid    the same on the DistroKid TSV  (n/a if the CLI cannot read it)
  duckdb       bench/duckdb_query.sql through the duckdb Python package

and reports the median wall seconds and the peak RSS (/usr/bin/time -v when
present, else the kernel's ru_maxrss of the child from wait4). The output of
royalty and of DuckDB are compared figure by figure, so that both are known
to do the same work.
"""
import argparse
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
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
PERIOD = "2026-Q1"

# Targets (bench/README.md).
TARGET_RATIO = 0.5
TARGET_RSS_MB = 64.0
TARGET_SPEEDUP = 1.7
TARGET_PROFILE = 1.5


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- inputs


def write_rate_tables() -> tuple[Path, Path]:
    """tracks.csv and rates.csv for DuckDB, from bench/agreements/*.toml."""
    tracks, rates = DATA / "tracks.csv", DATA / "rates.csv"
    with open(tracks, "w", newline="") as tf, open(rates, "w", newline="") as rf:
        tw, rw = csv.writer(tf), csv.writer(rf)
        tw.writerow(["agreement", "isrc"])
        rw.writerow(["agreement", "party", "source", "rate"])
        for path in sorted(glob.glob(str(BENCH / "agreements" / "*.toml"))):
            with open(path, "rb") as f:
                a = tomllib.load(f)
            if a.get("currency", "USD") != "USD":
                sys.exit(f"{path}: the benchmark's DuckDB side assumes USD agreements")
            for t in a.get("track", []):
                tw.writerow([a["id"], t["isrc"].replace("-", "").upper()])
            for party, by_source in a.get("rates", {}).items():
                for source, rate in by_source.items():
                    if not (isinstance(rate, str) and rate.endswith("%")):
                        sys.exit(f"{path}: rates.{party}.{source}: only \"N%\" rates are supported here")
                    rw.writerow([a["id"], party, source, str(Decimal(rate[:-1]) / 100)])
    return tracks, rates


def generate(gen: str, lines: int, seed: int, fmt: str) -> Path:
    ext = "csv" if fmt == "canonical" else "tsv"
    out = DATA / f"statement-{lines}-s{seed}.{ext}"
    if out.exists() and out.stat().st_size > 0:
        return out
    part = out.with_suffix(out.suffix + ".part")
    log(f"generating {out.relative_to(ROOT)} ...")
    subprocess.run([gen, str(lines), str(part), "--format", fmt, "--seed", str(seed)], check=True)
    part.rename(out)
    return out


def warm(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


# ---------------------------------------------------------------- running


def run_once(argv: list[str], cwd: Path) -> tuple[float, float, int, bytes]:
    """Wall seconds, peak RSS in MB (ru_maxrss), exit status, stderr."""
    with open(os.devnull, "wb") as null:
        errf = open(DATA / "last-stderr.txt", "w+b")
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=null, stderr=errf)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read()
        errf.close()
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
    def __init__(self, name: str, argv: list[str], cwd: Path):
        self.name, self.argv, self.cwd = name, argv, cwd
        self.walls: list[float] = []
        self.rss_runs: list[float] = []
        self.rss_time_v: float | None = None
        self.query: list[float] = []  # duckdb only: in-process query seconds

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


# ---------------------------------------------------------------- checking


def compare(royalty_json: Path, duck_csv: Path) -> str:
    """Royalty's figures against DuckDB's: revenue and units exactly, each
    party's earnings within a cent (royalty floors and hands out the cents by
    largest remainder, SPEC 3.5; DuckDB rounds each figure)."""
    try:
        doc = json.loads(royalty_json.read_text())
    except (OSError, ValueError):
        return "n/a (no royalty output)"
    duck: dict[tuple[str, str, str], str] = {}
    with open(duck_csv, newline="") as f:
        for row in csv.DictReader(f):
            duck[(row["kind"], row["agreement"], row["party"])] = row["value"]
    diffs = []
    checked = 0
    try:
        for a in doc.get("agreements", []):
            want = duck.get(("revenue", a["agreement"], ""))
            checked += 1
            if want is None or Decimal(a["revenue"]) != Decimal(want):
                diffs.append(f"revenue {a['agreement']}: royalty {a['revenue']} duckdb {want}")
            for source, units in (a.get("units") or {}).items():
                want = duck.get(("units", a["agreement"], source))
                checked += 1
                if want is None or int(units) != int(want):
                    diffs.append(f"units {a['agreement']}/{source}: royalty {units} duckdb {want}")
        for p in doc.get("payouts", []):
            want = duck.get(("earned", p["agreement"], p["party"]))
            checked += 1
            if want is None or abs(Decimal(p["earned"]) - Decimal(want)) > Decimal("0.01"):
                diffs.append(f"earned {p['agreement']}/{p['party']}: royalty {p['earned']} duckdb {want}")
        lines = (doc.get("unmatched") or {}).get("lines")
        if lines is not None:
            checked += 1
            if int(lines) != int(duck.get(("unmatched", "", "lines"), "0")):
                diffs.append(f"unmatched lines: royalty {lines} duckdb {duck.get(('unmatched', '', 'lines'))}")
    except (KeyError, TypeError, ValueError) as e:
        return f"n/a (unexpected royalty JSON: {e})"
    if checked == 0:
        return "n/a (royalty JSON has no agreements/payouts)"
    if diffs:
        return f"DIFFER ({len(diffs)} of {checked} figures): " + "; ".join(diffs[:4])
    return f"same figures ({checked} compared)"


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--royalty", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--duckdb-threads", default=os.environ.get("DUCKDB_THREADS", ""))
    ap.add_argument("lines", nargs="*", type=int, default=[1_000_000, 5_000_000])
    args = ap.parse_args()
    args.royalty = os.path.abspath(args.royalty)
    args.gen = os.path.abspath(args.gen)

    DATA.mkdir(exist_ok=True)
    cwd = DATA / "cwd"  # empty: no royalty.toml of the repository gets picked up
    shutil.rmtree(cwd, ignore_errors=True)
    cwd.mkdir()
    tracks, rates = write_rate_tables()
    agreements = str(BENCH / "agreements")

    royalty_ok = os.access(args.royalty, os.X_OK)
    help_run = help_text(args.royalty) if royalty_ok else ""
    has_threads = "--threads" in help_run
    has_profile = "--profile" in help_run

    results = []
    notes: list[str] = []
    for n in args.lines:
        csv_path = generate(args.gen, n, args.seed, "canonical")
        tsv_path = generate(args.gen, n, args.seed, "distrokid")
        size_mb = csv_path.stat().st_size / 1e6
        for p in (csv_path, tsv_path):
            warm(p)

        base = ["run", "--agreements", agreements, "--period", PERIOD, "--format", "json"]
        variants: dict[str, Variant] = {}
        reasons: dict[str, str] = {}

        def probe(name: str, tail: list[str]) -> None:
            if not royalty_ok:
                reasons[name] = f"no binary at {args.royalty}"
                return
            ok, why = royalty_probe(args.royalty, cwd, tail, DATA / f"royalty-out-{name}-{n}.json")
            if ok:
                variants[name] = Variant(name, [args.royalty] + tail, cwd)
            else:
                reasons[name] = why

        canon = base + ["--statements", str(csv_path)]
        probe("royalty", canon)
        if has_threads:
            probe("royalty-1t", canon + ["--threads", "1"])
            probe("royalty-2t", canon + ["--threads", "2"])
        else:
            reasons["royalty-1t"] = reasons["royalty-2t"] = "`royalty run` has no --threads"
        probe("distrokid", base + ["--statements", str(tsv_path)])
        if "distrokid" not in variants and has_profile:
            first_reason = reasons.pop("distrokid")
            probe("distrokid", base + ["--statements", str(tsv_path), "--profile", "distrokid"])
            if "distrokid" in reasons:
                reasons["distrokid"] = first_reason + " | with --profile distrokid: " + reasons["distrokid"]
        for name, why in reasons.items():
            notes.append(f"{n:,} lines, {name}: n/a — {why}")

        duck_out = DATA / f"duckdb-{n}.csv"
        duck_argv = [sys.executable, str(BENCH / "duckdb_run.py"), str(csv_path), str(tracks),
                     str(rates), str(duck_out)] + ([args.duckdb_threads] if args.duckdb_threads else [])
        variants["duckdb"] = Variant("duckdb", duck_argv, cwd)

        order = [v for v in ("royalty", "royalty-1t", "royalty-2t", "distrokid", "duckdb") if v in variants]
        log(f"{n} lines ({size_mb:.0f} MB): timing {', '.join(order)} x{args.runs}")
        for r in range(args.runs):
            for name in order:
                v = variants[name]
                wall, rss, code, err = run_once(v.argv, v.cwd)
                if code != 0:
                    sys.exit(f"{name} failed on run {r + 1}: exit {code}: {first_line(err)}")
                v.walls.append(wall)
                v.rss_runs.append(rss)
                m = re.search(rb"query_seconds=([0-9.]+)", err)
                if m:
                    v.query.append(float(m.group(1)))
        for v in variants.values():
            v.rss_time_v = time_v_rss(v.argv, cwd)
        check = compare(DATA / f"royalty-out-royalty-{n}.json", duck_out) if "royalty" in variants else "n/a"
        if "distrokid" in variants and "royalty" in variants:
            check += "; DistroKid path vs canonical: " + same_revenue(
                DATA / f"royalty-out-royalty-{n}.json", DATA / f"royalty-out-distrokid-{n}.json")
        results.append((n, size_mb, variants, check))

    # ---- the table
    def med(vs: dict[str, Variant], name: str) -> float | None:
        return vs[name].median() if name in vs else None

    print()
    print(f"royalty vs DuckDB {duckdb_version()} — {os.cpu_count()} cores, median of {args.runs}, "
          f"warm page cache, seed {args.seed}")
    print()
    print("| lines | royalty s | duckdb s | ratio | royalty 1T s | 2T s | speedup | distrokid s "
          "| profile/canonical | royalty RSS MB | duckdb RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, size_mb, vs, _ in results:
        roy, duck = med(vs, "royalty"), med(vs, "duckdb")
        t1, t2, dk = med(vs, "royalty-1t"), med(vs, "royalty-2t"), med(vs, "distrokid")
        print(f"| {n:,} | {fmt(roy)} | {fmt(duck)} | {ratio(roy, duck)} | {fmt(t1)} | {fmt(t2)} "
              f"| {ratio(t1, t2)} | {fmt(dk)} | {ratio(dk, roy)} "
              f"| {fmt(vs['royalty'].rss() if 'royalty' in vs else None, 1)} "
              f"| {fmt(vs['duckdb'].rss(), 1)} |")
    print()
    print("duckdb s: wall time of the whole process (`python3 bench/duckdb_run.py`, so Python start-up "
          "and `import duckdb` included, like royalty's process start-up); the query alone inside "
          "that process is below.")
    print()
    print("Details (median [min-max] wall s; MB/s of the canonical CSV; peak RSS of one more run under /usr/bin/time -v):")
    for n, size_mb, vs, check in results:
        print(f"- {n:,} lines, {size_mb:.0f} MB:")
        for name, v in vs.items():
            extra = ""
            if v.query:
                extra = f"; query alone {statistics.median(v.query):.3f} s"
            mb_s = size_mb / v.median() if v.median() else 0
            print(f"  - {name}: {v.median():.3f} [{min(v.walls):.3f}-{max(v.walls):.3f}] s, "
                  f"{mb_s:.0f} MB/s, peak RSS {v.rss_text()}{extra}")
        print(f"  - output check, royalty vs DuckDB: {check}")
    for note in notes:
        print(f"- {note}")

    # ---- the targets
    print()
    print("Targets:")
    big = results[-1]
    roy, duck = med(big[2], "royalty"), med(big[2], "duckdb")
    verdict = lambda ok: "n/a" if ok is None else ("PASS" if ok else "FAIL")  # noqa: E731
    r = None if roy is None or duck is None else roy / duck
    print(f"- wall <= {TARGET_RATIO} x DuckDB at {big[0]:,} lines: {ratio(roy, duck)} "
          f"{verdict(None if r is None else r <= TARGET_RATIO)}")
    dq = big[2]["duckdb"].query
    if dq:
        q = statistics.median(dq)
        print(f"  (against DuckDB's query alone, without Python: {ratio(roy, q)} "
              f"{verdict(None if roy is None else roy / q <= TARGET_RATIO)})")
    rss = [(n, vs["royalty"].rss()) for n, _, vs, _ in results if "royalty" in vs]
    worst = max((x for _, x in rss if x is not None), default=None)
    print(f"- peak RSS <= {TARGET_RSS_MB:.0f} MB: max {fmt(worst, 1)} "
          f"{verdict(None if worst is None else worst <= TARGET_RSS_MB)}")
    if len(rss) >= 2 and rss[0][1] and rss[-1][1]:
        growth = rss[-1][1] / rss[0][1]
        print(f"- RSS flat from {rss[0][0]:,} to {rss[-1][0]:,} lines: x{growth:.2f} "
              f"{verdict(growth <= 1.25)} (flat: within 25%)")
    t1, t2 = med(big[2], "royalty-1t"), med(big[2], "royalty-2t")
    sp = None if t1 is None or t2 is None else t1 / t2
    print(f"- 2 threads >= {TARGET_SPEEDUP}x 1 thread: {ratio(t1, t2)} "
          f"{verdict(None if sp is None else sp >= TARGET_SPEEDUP)}")
    dk = med(big[2], "distrokid")
    pr = None if dk is None or roy is None else dk / roy
    print(f"- DistroKid profile path <= {TARGET_PROFILE} x canonical: {ratio(dk, roy)} "
          f"{verdict(None if pr is None else pr <= TARGET_PROFILE)}")


def duckdb_version() -> str:
    try:
        import duckdb  # noqa: PLC0415

        return duckdb.__version__
    except ImportError:
        return "?"


if __name__ == "__main__":
    main()
