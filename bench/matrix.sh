#!/usr/bin/env bash
# The catalogue benchmark matrix: royalty vs DuckDB, cell by cell, in one run.
# See bench/README.md for the cells and the targets.
#
#   bench/matrix.sh                                   # every cell, 5,000,000-line baseline, 5 runs
#   bench/matrix.sh --lines 200000 --cells baseline,files300 --runs 1   # a quick try
#   bench/matrix.sh --list                            # the cells
#   RUNS=9 SEED=7 DUCKDB_THREADS=1 DUCKDB_VERSION=1.4.4 bench/matrix.sh
#
# Not part of the test suite. Generated statements and agreements are cached
# in bench/data/ (ignored by git; delete it to regenerate).
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in  # nothing to build to list the cells or print the usage
    *" --list "* | *" -h "* | *" --help "*) exec python3 bench/matrix.py --royalty - --gen - "$@" ;;
esac
. bench/setup.sh
exec "$PYTHON" bench/matrix.py --royalty "$ROYALTY" --gen "$GEN" "$@"
