# Sourced by bench/run.sh and bench/matrix.sh (from the repository's root):
# builds what the benchmark runs and sets
#   ROYALTY  the release binary (a path that does not exist if the tree does
#            not build: royalty's cells then read n/a)
#   GEN      the statement generator (examples/gen_statement)
#   PYTHON   a python3 (>= 3.11) that imports DuckDB $DUCKDB_VERSION
# Not part of the test suite. Needs network access to PyPI the first time.

# The DuckDB every figure is measured against; pinned so that reruns compare
# alike. Override with DUCKDB_VERSION=... (the report names the version).
DUCKDB_VERSION="${DUCKDB_VERSION:-1.4.4}"

say() { echo "bench: $*" >&2; }

# 1. royalty, release build. A tree that does not build yet is not fatal.
ROYALTY="$PWD/target/release/royalty"
say "cargo build --release"
if ! cargo build --release --quiet --bin royalty; then
    say "royalty did not build; its cells will be n/a"
    ROYALTY=/nonexistent/royalty
fi

# 2. The generator (std only, so it can be built alone if the crate does not).
mkdir -p bench/data
GEN="$PWD/target/release/examples/gen_statement"
if ! cargo build --release --quiet --example gen_statement 2>/dev/null; then
    say "building gen_statement with rustc alone"
    GEN="$PWD/bench/data/gen_statement"
    rustc --edition 2021 -O examples/gen_statement/main.rs -o "$GEN"
fi

# 3. DuckDB: the system python3 if it has the pinned version, else a virtual
#    environment in bench/data/ with it (the system's packages untouched).
PYTHON=python3
if [ "$(python3 -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null)" != "$DUCKDB_VERSION" ]; then
    VENV="$PWD/bench/data/venv-duckdb-$DUCKDB_VERSION"
    PYTHON="$VENV/bin/python3"
    if [ "$("$PYTHON" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null)" != "$DUCKDB_VERSION" ]; then
        say "pip install duckdb==$DUCKDB_VERSION (into ${VENV#"$PWD"/})"
        python3 -m venv "$VENV"
        "$PYTHON" -m pip install --quiet --disable-pip-version-check "duckdb==$DUCKDB_VERSION"
    fi
fi

# 4. /usr/bin/time, for the peak RSS.
if [ ! -x /usr/bin/time ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "apt-get install time"
    (apt-get install -y -qq time >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; }) ||
        say "no /usr/bin/time: peak RSS from wait4's ru_maxrss instead"
fi
