#!/usr/bin/env python3
"""Runs bench/duckdb_query.sql on one statement; the DuckDB side of the benchmark.

usage: duckdb_run.py [--layout canonical|distrokid] STATEMENT TRACKS.csv RATES.csv OUT.csv [THREADS]

STATEMENT is a file, or a folder whose statements (*.csv, or *.tsv for
DistroKid) are read together, as `royalty run --statements FOLDER` reads them.
Writes the result rows (kind,agreement,party,value) to OUT.csv, and prints
the in-process query time (seconds, without Python start-up and the
`import duckdb`) on stderr as `query_seconds=...`.
"""
import argparse
import csv
import os
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))


def sql_text(name: str) -> str:
    """A query file without its comment lines (they name the placeholders,
    and one in the lines' SELECT could swallow the `)` after it)."""
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return "".join(line for line in f if not line.lstrip().startswith("--"))


def quoted(path: str) -> str:
    return path.replace("'", "''")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout", choices=["canonical", "distrokid"], default="canonical")
    ap.add_argument("statement")
    ap.add_argument("tracks")
    ap.add_argument("rates")
    ap.add_argument("out")
    ap.add_argument("threads", nargs="?", default="")
    args = ap.parse_args()
    statement = os.path.abspath(args.statement)
    if os.path.isdir(statement):
        statement = os.path.join(statement, "*.tsv" if args.layout == "distrokid" else "*.csv")
    rows = sql_text(f"duckdb_rows_{args.layout}.sql").replace("__STATEMENT__", quoted(statement))
    sql = sql_text("duckdb_query.sql").replace("__ROWS__", rows)
    for k, v in (("__TRACKS__", args.tracks), ("__RATES__", args.rates)):
        sql = sql.replace(k, quoted(os.path.abspath(v)))
    t0 = time.perf_counter()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    result = con.execute(sql).fetchall()
    elapsed = time.perf_counter() - t0
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kind", "agreement", "party", "value"])
        w.writerows(result)
    print(f"query_seconds={elapsed:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
