#!/usr/bin/env bash
# Benchmark: royalty vs DuckDB on large generated statements. See bench/README.md.
#
#   bench/run.sh [LINES...]        default: 1000000 5000000
#   RUNS=5 SEED=2026 DUCKDB_THREADS= bench/run.sh 1000000
#
# Not part of the test suite. Generated files are cached in bench/data/.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-5}"
SEED="${SEED:-2026}"
if [ "$#" -eq 0 ]; then set -- 1000000 5000000; fi
mkdir -p bench/data

say() { echo "bench: $*" >&2; }

# 1. royalty, release build. A tree that does not build yet is not fatal: the
#    royalty cells then read n/a.
ROYALTY="$PWD/target/release/royalty"
say "cargo build --release"
if ! cargo build --release --quiet --bin royalty; then
    say "royalty did not build; its cells will be n/a"
    ROYALTY=/nonexistent/royalty
fi

# 2. The generator (std only, so it can be built alone if the crate does not).
GEN="$PWD/target/release/examples/gen_statement"
if ! cargo build --release --quiet --example gen_statement 2>/dev/null; then
    say "building gen_statement with rustc alone"
    GEN="$PWD/bench/data/gen_statement"
    rustc --edition 2021 -O examples/gen_statement.rs -o "$GEN"
fi

# 3. DuckDB (Python package) and /usr/bin/time.
if ! python3 -c 'import duckdb' 2>/dev/null; then
    say "pip install duckdb"
    python3 -m pip install --quiet --disable-pip-version-check duckdb
fi
if [ ! -x /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "apt-get install time"
    (apt-get install -y -qq time >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; }) ||
        say "no /usr/bin/time: peak RSS from wait4's ru_maxrss instead"
fi

# 4. Time everything.
exec python3 bench/bench.py --royalty "$ROYALTY" --gen "$GEN" --runs "$RUNS" --seed "$SEED" "$@"
