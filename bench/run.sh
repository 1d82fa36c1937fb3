#!/usr/bin/env bash
# Benchmark: royalty vs DuckDB on the original 200-ISRC statement, by size.
# See bench/README.md (bench/matrix.sh is the catalogue matrix).
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
. bench/setup.sh

exec "$PYTHON" bench/bench.py --royalty "$ROYALTY" --gen "$GEN" --runs "$RUNS" --seed "$SEED" "$@"
