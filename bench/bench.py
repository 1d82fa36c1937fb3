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
import os
import shutil
import statistics
import sys

from common import (BENCH, DATA, PERIOD, Variant, compare, duckdb_version, first_line, fmt, help_text,
                    log, ratio, royalty_probe, same_revenue, statement, time_v_rss, verdict, warm,
                    write_rate_tables)

# Targets (bench/README.md).
TARGET_RATIO = 0.5
TARGET_RSS_MB = 64.0
TARGET_SPEEDUP = 1.7
TARGET_PROFILE = 1.5


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
    tracks, rates = DATA / "tracks.csv", DATA / "rates.csv"
    write_rate_tables(BENCH / "agreements", tracks, rates)
    agreements = str(BENCH / "agreements")

    royalty_ok = os.access(args.royalty, os.X_OK)
    help_run = help_text(args.royalty) if royalty_ok else ""
    has_threads = "--threads" in help_run
    has_profile = "--profile" in help_run

    results = []
    notes: list[str] = []
    for n in args.lines:
        csv_path = statement(args.gen, n, args.seed, "canonical")
        tsv_path = statement(args.gen, n, args.seed, "distrokid")
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
                code, err = v.run()
                if code != 0:
                    sys.exit(f"{name} failed on run {r + 1}: exit {code}: {first_line(err)}")
        for v in variants.values():
            v.rss_time_v = time_v_rss(v.argv, cwd)
        check = compare(DATA / f"royalty-out-royalty-{n}.json", duck_out)[1] if "royalty" in variants else "n/a"
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
