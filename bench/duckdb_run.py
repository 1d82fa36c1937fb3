#!/usr/bin/env python3
"""Runs bench/duckdb_query.sql on one statement; the DuckDB side of bench/run.sh.

usage: duckdb_run.py STATEMENT.csv TRACKS.csv RATES.csv OUT.csv [THREADS]

Writes the result rows (kind,agreement,party,value) to OUT.csv, and prints
the in-process query time (seconds, without Python start-up and the
`import duckdb`) on stderr as `query_seconds=...`.
"""
import csv
import os
import sys
import time

import duckdb


def main() -> None:
    statement, tracks, rates, out = (os.path.abspath(p) for p in sys.argv[1:5])
    threads = sys.argv[5] if len(sys.argv) > 5 else ""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "duckdb_query.sql"), encoding="utf-8") as f:
        sql = f.read()
    for k, v in (("__STATEMENT__", statement), ("__TRACKS__", tracks), ("__RATES__", rates)):
        sql = sql.replace(k, v.replace("'", "''"))
    t0 = time.perf_counter()
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    rows = con.execute(sql).fetchall()
    elapsed = time.perf_counter() - t0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kind", "agreement", "party", "value"])
        w.writerows(rows)
    print(f"query_seconds={elapsed:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
