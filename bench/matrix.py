#!/usr/bin/env python3
"""The catalogue benchmark matrix behind bench/matrix.sh (see bench/README.md).

usage: matrix.py --royalty BIN --gen BIN [--lines 5000000] [--cells a,b] [--runs 5]
                 [--seed 2026] [--duckdb-threads N] [--list]

Each cell is a statement (catalogue shape, size, layout, files) and a set of
agreements. For every cell, `royalty run --format json` and DuckDB (the same
sums, exact DECIMAL, bench/duckdb_query.sql) are timed RUNS times, round
robin over all the cells and both sides (so that drift on a shared machine
hits every figure alike); then one more run of each under /usr/bin/time -v
gives the peak RSS. Royalty's JSON is checked against DuckDB's result figure
by figure. Prints a Markdown table, the targets of issue 12 with PASS/FAIL,
and details; the same report is kept in bench/data/matrix-report.md.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from common import (BENCH, DATA, PERIOD, Variant, compare, duckdb_version, first_line, fmt, help_text,
                    log, ratio, read_duck, royalty_probe, same_revenue, statement, time_v_rss,
                    verdict, warm, write_rate_tables)

# The targets of issue 12 (bench/README.md).
TARGET_RATIO = 0.5  # royalty's wall time / DuckDB's, every cell
TARGET_RSS_MB = 128.0  # royalty's peak RSS, every cell
TARGET_LOAD_S = 0.2  # 10,000 agreements and a tiny statement
TARGET_FILES = 1.5  # 300 files / one file of the same lines
TARGET_UNMATCHED = 1.05  # 10%-matched / 100%-matched: no dearer (5% for noise)
TARGET_FLAT = 1.25  # RSS at the baseline's lines / at 18% of them


@dataclass(frozen=True)
class Cell:
    name: str
    why: str
    scale: Fraction  # lines, as a share of --lines
    isrcs: int | None  # None: the original 200-ISRC statement and agreements
    agreements: int
    cover: str  # share of the ISRCs the agreements cover
    files: int | None = None
    layout: str = "canonical"
    fixed_lines: int | None = None  # lines whatever --lines says

    def lines(self, baseline: int) -> int:
        return self.fixed_lines or max(1, round(baseline * self.scale))


# The baseline is the usual case of a mid-size label; every other cell
# changes one dimension of it (bench/README.md says why each is there).
CELLS = [
    Cell("baseline", "1,000 agreements cover 10% of 100,000 ISRCs", Fraction(1), 100_000, 1_000, "0.1"),
    Cell("matched100", "matched: every line (1,000 agreements cover all ISRCs)", Fraction(1), 100_000,
         1_000, "1"),
    Cell("agr20", "agreements: 20 (cover 10%)", Fraction(1), 100_000, 20, "0.1"),
    Cell("agr10k", "agreements: 10,000 covering all ISRCs (vs matched100)", Fraction(1), 100_000,
         10_000, "1"),
    Cell("isrc200", "ISRCs: 200, the original benchmark (20 agreements, all matched)", Fraction(1),
         None, 20, "1"),
    Cell("isrc1m", "ISRCs: 1,000,000 (1,000 agreements cover 10%)", Fraction(1), 1_000_000, 1_000, "0.1"),
    Cell("distrokid", "layout: DistroKid TSV export", Fraction(1), 100_000, 1_000, "0.1",
         layout="distrokid"),
    Cell("files1", "one file of 18% of the lines (twin of files300)", Fraction(18, 100), 100_000,
         1_000, "0.1"),
    Cell("files300", "files: 300 files, the same lines as files1", Fraction(18, 100), 100_000, 1_000,
         "0.1", files=300),
    Cell("load", "loading: 10,000 agreements, a 1,000-line statement", Fraction(0), 100_000, 10_000,
         "1", fixed_lines=1_000),
]


@dataclass
class Run:
    """A cell, prepared: its inputs and both sides' commands and results."""
    cell: Cell
    lines: int
    path: Path
    agreements: Path
    royalty: Variant | None
    duckdb: Variant
    duck_out: Path
    royalty_json: Path
    why_not: str = ""  # why royalty's side is n/a
    check: tuple[bool | None, str] = (None, "n/a")
    matched: float | None = None

    def size_mb(self) -> float:
        p = self.path
        files = list(p.iterdir()) if p.is_dir() else [p]
        return sum(f.stat().st_size for f in files) / 1e6


# ---------------------------------------------------------------- inputs


def agreements_for(cell: Cell, seed: int) -> Path:
    """The committed 20 for the original statement, else generated once."""
    if cell.isrcs is None:
        return BENCH / "agreements"
    out = DATA / f"agreements-a{cell.agreements}-i{cell.isrcs}-c{cell.cover}-s{seed}"
    if not out.exists():
        log(f"generating {out.name} ...")
        subprocess.run([sys.executable, str(BENCH / "gen_agreements.py"), "--out", str(out),
                        "--agreements", str(cell.agreements), "--isrcs", str(cell.isrcs),
                        "--cover", cell.cover, "--seed", str(seed)], check=True)
    return out


def tables_for(agreements: Path) -> tuple[Path, Path]:
    """DuckDB's tracks.csv and rates.csv, from the agreement files (kept beside
    generated agreements; rewritten every time for the committed ones)."""
    where = DATA / f"tables-{agreements.name}"
    tracks, rates = where / "tracks.csv", where / "rates.csv"
    if agreements.parent == BENCH or not rates.exists():
        where.mkdir(exist_ok=True)
        write_rate_tables(agreements, tracks, rates)
    return tracks, rates


def prepare(cell: Cell, args: argparse.Namespace, cwd: Path, has_profile: bool) -> Run:
    lines = cell.lines(args.lines)
    path = statement(args.gen, lines, args.seed, cell.layout, cell.isrcs, cell.files)
    agreements = agreements_for(cell, args.seed)
    tracks, rates = tables_for(agreements)
    warm(path)
    out = DATA / "out"
    out.mkdir(exist_ok=True)
    duck_out = out / f"{cell.name}-duckdb.csv"
    duck_argv = [sys.executable, str(BENCH / "duckdb_run.py"), "--layout", cell.layout, str(path),
                 str(tracks), str(rates), str(duck_out)]
    duck_argv += [args.duckdb_threads] if args.duckdb_threads else []
    run = Run(cell, lines, path, agreements, None, Variant("duckdb", duck_argv, cwd), duck_out,
              out / f"{cell.name}-royalty.json")
    tail = ["run", "--agreements", str(agreements), "--statements", str(path), "--period", PERIOD,
            "--format", "json"]
    tries = [tail] + ([tail + ["--profile", "distrokid"]] if cell.layout == "distrokid" and has_profile else [])
    reasons = []
    for t in tries if os.access(args.royalty, os.X_OK) else []:
        ok, why = royalty_probe(args.royalty, cwd, t, run.royalty_json)
        if ok:
            run.royalty = Variant("royalty", [args.royalty] + t, cwd)
            break
        reasons.append(why)
    run.why_not = " | ".join(reasons) or f"no binary at {args.royalty}"
    return run


# ---------------------------------------------------------------- measuring


def measure(runs: list[Run], rounds: int) -> None:
    """RUNS rounds; in each, every cell's royalty then DuckDB."""
    for r in range(rounds):
        log(f"round {r + 1}/{rounds}: {', '.join(x.cell.name for x in runs)}")
        for x in runs:
            for v in (x.royalty, x.duckdb):
                if v is None:
                    continue
                code, err = v.run()
                if code != 0:
                    sys.exit(f"{x.cell.name}: {v.name} failed on round {r + 1}: exit {code}: {first_line(err)}")
    for x in runs:
        for v in (x.royalty, x.duckdb):
            if v is not None:
                v.rss_time_v = time_v_rss(v.argv, v.cwd)


def check(x: Run) -> None:
    """Figures against DuckDB's, and the share of lines matched (DuckDB's)."""
    if not x.duck_out.exists():
        return
    unmatched = read_duck(x.duck_out).get("unmatched", {}).get(("", "lines"))
    if unmatched is not None:
        x.matched = 1 - float(unmatched) / x.lines
    if x.royalty is not None:
        x.check = compare(x.royalty_json, x.duck_out)


# ---------------------------------------------------------------- report


def med(v: Variant | None) -> float | None:
    return v.median() if v is not None else None


def rss(v: Variant | None) -> float | None:
    return v.rss() if v is not None else None


def cell_verdict(x: Run) -> str:
    r, m = x.royalty, x.duckdb
    if r is None or med(r) is None:
        return "n/a"
    fails = []
    if med(m) and med(r) / med(m) > TARGET_RATIO:
        fails.append("time")
    if rss(r) is not None and rss(r) > TARGET_RSS_MB:
        fails.append("RSS")
    if x.cell.name == "load" and med(r) > TARGET_LOAD_S:
        fails.append("load")
    if x.check[0] is False:
        fails.append("figures")
    return "FAIL: " + ", ".join(fails) if fails else "PASS"


def table(runs: list[Run]) -> list[str]:
    out = ["| cell | lines | ISRCs | agreements | matched | files | layout | royalty s | DuckDB s "
           "| ratio | royalty MB | DuckDB MB | figures | targets |",
           "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|"]
    for x in runs:
        c = x.cell
        figures = {True: "same", False: "DIFFER", None: "n/a"}[x.check[0]]
        matched = "n/a" if x.matched is None else f"{100 * x.matched:.1f}%"
        out.append(f"| {c.name} | {x.lines:,} | {c.isrcs or 200:,} | {c.agreements:,} | {matched} "
                   f"| {c.files or 1} | {c.layout} | {fmt(med(x.royalty))} | {fmt(med(x.duckdb))} "
                   f"| {ratio(med(x.royalty), med(x.duckdb))} | {fmt(rss(x.royalty), 1)} "
                   f"| {fmt(rss(x.duckdb), 1)} | {figures} | {cell_verdict(x)} |")
    return out


def targets(runs: list[Run]) -> list[str]:
    by = {x.cell.name: x for x in runs}

    def roy(name: str) -> float | None:
        return med(by[name].royalty) if name in by else None

    out = ["| target | measured | result |", "|---|---|---|"]
    ratios = [(med(x.royalty) / med(x.duckdb), x.cell.name) for x in runs
              if med(x.royalty) is not None and med(x.duckdb)]
    worst = max(ratios, default=None)
    out.append(f"| every cell <= {TARGET_RATIO}x DuckDB's wall time "
               f"| {'n/a' if worst is None else f'worst {worst[0]:.2f}x ({worst[1]})'} "
               f"| {verdict(None if worst is None else worst[0] <= TARGET_RATIO)} |")
    sizes = [(rss(x.royalty), x.cell.name) for x in runs if rss(x.royalty) is not None]
    big = max(sizes, default=None)
    out.append(f"| royalty's peak RSS <= {TARGET_RSS_MB:.0f} MB in every cell "
               f"| {'n/a' if big is None else f'worst {big[0]:.1f} MB ({big[1]})'} "
               f"| {verdict(None if big is None else big[0] <= TARGET_RSS_MB)} |")
    load = roy("load")
    out.append(f"| 10,000 agreements load in <= {TARGET_LOAD_S} s (load cell, whole run) "
               f"| {fmt(load)} s | {verdict(None if load is None else load <= TARGET_LOAD_S)} |")
    pairs = [("files300", "files1", TARGET_FILES, "300 files within {t}x one file of the same lines"),
             ("baseline", "matched100", TARGET_UNMATCHED,
              "unmatched lines cost no more than matched: 10%- / 100%-matched <= {t}")]
    for a, b, t, what in pairs:
        q = None if roy(a) is None or roy(b) is None else roy(a) / roy(b)
        out.append(f"| {what.format(t=t)} | {ratio(roy(a), roy(b))} ({a} {fmt(roy(a))} s, "
                   f"{b} {fmt(roy(b))} s) | {verdict(None if q is None else q <= t)} |")
    flat = [rss(by[n].royalty) if n in by else None for n in ("baseline", "files1")]
    q = None if None in flat else flat[0] / flat[1]
    out.append(f"| RSS flat in lines: baseline / files1 (18% of the lines) <= {TARGET_FLAT} "
               f"| {'n/a' if q is None else f'{q:.2f}'} | {verdict(None if q is None else q <= TARGET_FLAT)} |")
    wrong = [x.cell.name for x in runs if x.check[0] is False]
    out.append(f"| same figures as DuckDB in every cell | {', '.join(wrong) or 'all compared agree'} "
               f"| {verdict(None if all(x.check[0] is None for x in runs) else not wrong)} |")
    return out


def details(runs: list[Run], notes: list[str]) -> list[str]:
    out = ["Details (median [min-max] wall s; MB/s of the statement; peak RSS of one more run "
           "under /usr/bin/time -v):"]
    by = {x.cell.name: x for x in runs}
    for x in runs:
        size = x.size_mb()
        where = x.path.name + ("/" if x.path.is_dir() else "")
        out.append(f"- {x.cell.name} ({x.cell.why}): {where}, {size:.1f} MB; agreements "
                   f"{x.agreements.name}/")
        for v in (x.royalty, x.duckdb):
            if v is None:
                out.append(f"  - royalty: n/a ({x.why_not})")
                continue
            m = v.median()
            extra = f"; query alone {statistics.median(v.query):.3f} s" if v.query else ""
            out.append(f"  - {v.name}: {m:.3f} [{min(v.walls):.3f}-{max(v.walls):.3f}] s, "
                       f"{size / m:.0f} MB/s, peak RSS {v.rss_text()}{extra}")
        if x.royalty is not None and x.duckdb.query and med(x.royalty) is not None:
            q = statistics.median(x.duckdb.query)
            out.append(f"  - ratio against DuckDB's query alone (no Python start-up): "
                       f"{ratio(med(x.royalty), q)}")
        out.append(f"  - figures, royalty vs DuckDB: {x.check[1]}")
        if x.cell.layout == "distrokid" and x.royalty is not None and "baseline" in by:
            out.append("  - revenue per agreement vs the baseline's canonical CSV (same lines): "
                       + same_revenue(by["baseline"].royalty_json, x.royalty_json))
    out += [f"- {n}" for n in notes]
    return out


def git_head() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=BENCH, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"],
                               capture_output=True, text=True, cwd=BENCH.parent).stdout.strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description="the catalogue benchmark matrix (bench/README.md)")
    ap.add_argument("--royalty", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--lines", type=lambda s: int(s.replace("_", "").replace(",", "")), default=5_000_000,
                    help="the baseline's lines; other cells scale with it (default 5,000,000)")
    ap.add_argument("--cells", default="", help="comma-separated cell names (default: all; --list)")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "2026")))
    ap.add_argument("--duckdb-threads", default=os.environ.get("DUCKDB_THREADS", ""))
    ap.add_argument("--list", action="store_true", help="list the cells and exit")
    args = ap.parse_args()
    if args.list:
        for c in CELLS:
            print(f"{c.name:11} {c.lines(args.lines):>10,} lines  {c.why}")
        return
    names = [n for n in args.cells.split(",") if n] or [c.name for c in CELLS]
    unknown = sorted(set(names) - {c.name for c in CELLS})
    if unknown:
        sys.exit(f"unknown cell(s) {', '.join(unknown)}; known: {', '.join(c.name for c in CELLS)}")
    cells = [c for c in CELLS if c.name in names]
    args.royalty, args.gen = os.path.abspath(args.royalty), os.path.abspath(args.gen)

    started = time.perf_counter()
    DATA.mkdir(exist_ok=True)
    cwd = DATA / "cwd"  # empty: no royalty.toml of the repository gets picked up
    cwd.mkdir(exist_ok=True)
    has_profile = "--profile" in help_text(args.royalty)
    runs = [prepare(c, args, cwd, has_profile) for c in cells]
    notes = [f"{x.cell.name}, royalty: n/a — {x.why_not}" for x in runs if x.royalty is None]
    prepared = time.perf_counter()
    measure(runs, args.runs)
    for x in runs:
        check(x)
    done = time.perf_counter()

    report = [f"royalty {git_head()} vs DuckDB {duckdb_version()}: {os.cpu_count()} cores, "
              f"median of {args.runs}, warm page cache, seed {args.seed}, baseline {args.lines:,} lines", ""]
    report += table(runs) + ["", "Targets (issue 12):", ""] + targets(runs) + [""]
    report += ["royalty s / DuckDB s: wall time of the whole process (DuckDB's includes Python's "
               "start-up and `import duckdb`, as royalty's includes its own start-up). "
               "matched: share of the lines an agreement covers (from DuckDB's count).", ""]
    report += details(runs, notes)
    report += ["", f"Took {done - started:.0f} s: preparing (generation, first runs) "
               f"{prepared - started:.0f} s, {args.runs} rounds and RSS runs {done - prepared:.0f} s."]
    text = "\n".join(report) + "\n"
    (DATA / "matrix-report.md").write_text(text)
    print()
    print(text, end="")
    log(f"(kept in {(DATA / 'matrix-report.md').relative_to(BENCH.parent)})")


if __name__ == "__main__":
    main()
