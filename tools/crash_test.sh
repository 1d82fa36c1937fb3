#!/usr/bin/env bash
# Crash test of `royalty close` (docs/ledger.md, "Crash safety"): a
# reusable reliability check, not part of `cargo test` (it runs minutes).
#
# On a copy of the bundled label, it closes quarter after quarter; each close is
# killed with SIGKILL at a random moment of its run, then the ledger is
# checked:
#   - `royalty ledger verify` exits 0 (every checksum, the chain, the head);
#   - the close is retried: refused as already closed (exit 3) when the
#     killed one had committed, done (exit 0) when it had not; a period
#     whose file existed before the retry and that the retry closes again is
#     a double close;
#   - after the retry no temporary file is left, the ledger holds exactly
#     one file per period closed, and each period's payment file is whole
#     (byte-identical to `run --payments` of that period).
# It also checks that the release binary has no fault injection
# (ROYALTY_CRASH_AT does nothing there).
#
# Usage: tools/crash_test.sh [KILLS]      (default 200)
#   ROYALTY_BIN=path  use this binary instead of building the release one.
# Prints the figures and exits 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
kills=${1:-200}

release=no
if [[ -z "${ROYALTY_BIN:-}" ]]; then
    cargo build --release --quiet
    ROYALTY_BIN="$root/target/release/royalty"
    release=yes
fi
bin=$ROYALTY_BIN

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r agreements samples "$work/"
cd "$work"
# Every close consumes the same quarter of statements (the label's Q1
# statements, received again each quarter): --allow-duplicate.
common=(--agreements agreements --fx samples/fx.csv --events samples/events.csv
        --statements samples/2026-Q1 --allow-duplicate)

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
failures=0

# The release binary ignores the fault injection switch.
mkdir -p probe
ROYALTY_CRASH_AT=before-write "$bin" close "${common[@]}" --ledger probe/ledger \
    --period 2026-Q1 --format json >/dev/null 2>probe/err &
if wait $! 2>/dev/null; then
    fault_injection="absent"
else
    fault_injection="present"
    [[ $release == yes ]] && fail "ROYALTY_CRASH_AT aborted the release binary: $(cat probe/err)"
fi
rm -rf probe

# How long one close takes, to spread the kills over it.
now_ns() { date +%s%N; }
t0=$(now_ns)
"$bin" close "${common[@]}" --ledger timing --period 2026-Q1 --format json >/dev/null 2>&1
t1=$(now_ns)
rm -rf timing
run_us=$(( (t1 - t0) / 1000 + 1 ))

period_of() { # the k-th quarter from 2026-Q1
    local k=$1
    printf '%d-Q%d' $((2026 + k / 4)) $((k % 4 + 1))
}

landed=0       # killed while still running
finished=0     # had finished before the kill reached it
survived=0     # ledger verified after the kill
committed=0    # the killed close had recorded its period
double=0
leftovers=0
closed=0
for ((i = 0; i < kills; i++)); do
    period=$(period_of "$closed")
    "$bin" close "${common[@]}" --ledger ledger --period "$period" --format json >/dev/null 2>&1 &
    pid=$!
    # Half the kills anywhere in the run, half late in it, where the files
    # are written.
    r=$(( RANDOM * 32768 + RANDOM ))
    if (( i % 2 == 0 )); then
        delay_us=$(( r % (run_us * 12 / 10 + 1) ))
    else
        delay_us=$(( run_us * 6 / 10 + r % (run_us * 6 / 10 + 1) ))
    fi
    sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
    kill -9 "$pid" 2>/dev/null || true
    if wait "$pid" 2>/dev/null; then
        finished=$((finished + 1))
    else
        landed=$((landed + 1))
    fi
    if "$bin" ledger verify --ledger ledger >verify.out 2>&1; then
        survived=$((survived + 1))
    else
        fail "after kill $i ($period): ledger verify: $(cat verify.out)"
        break
    fi
    was_closed=no
    [[ -f "ledger/$period.json" ]] && was_closed=yes && committed=$((committed + 1))
    n_tmp=$(find ledger -maxdepth 1 -name '.royalty-*.tmp' | wc -l)
    leftovers=$((leftovers + n_tmp))
    set +e
    r0=$(now_ns)
    "$bin" close "${common[@]}" --ledger ledger --period "$period" --format json >/dev/null 2>retry.err
    rc=$?
    r1=$(now_ns)
    set -e
    # A retry that closed is a whole close: it keeps the estimate of how
    # long one takes current (the ledger grows, the machine's load varies).
    if [[ $rc -eq 0 ]]; then
        run_us=$(( (run_us * 3 + (r1 - r0) / 1000) / 4 + 1 ))
    fi
    if [[ $was_closed == yes && $rc -eq 0 ]]; then
        double=$((double + 1))
        fail "$period closed twice"
    elif [[ $was_closed == yes && $rc -ne 3 ]]; then
        fail "retry of committed $period: exit $rc: $(cat retry.err)"
    elif [[ $was_closed == no && $rc -ne 0 ]]; then
        fail "retry of $period after the kill: exit $rc: $(cat retry.err)"
    fi
    closed=$((closed + 1))
    if [[ -n $(find ledger -maxdepth 1 -name '.royalty-*.tmp') ]]; then
        fail "temporary files remain after the retry of $period"
    fi
    files=$(find ledger -maxdepth 1 -name '20*.json' | wc -l)
    [[ $files -eq $closed ]] || fail "$files period files for $closed periods closed"
    "$bin" run "${common[@]}" --ledger ledger --period "$period" --format json --payments expected.csv \
        >/dev/null 2>run.err || fail "run of closed $period: $(cat run.err)"
    cmp -s expected.csv "ledger/$period.payments.csv" ||
        fail "the payment file of $period is not whole"
done
"$bin" ledger verify --ledger ledger >verify.out 2>&1 || fail "final verify: $(cat verify.out)"

cat <<EOF
crash test of royalty close ($bin)
  kills:                 $kills (at random moments of a close, about ${run_us}us at the end)
  landed mid-run:        $landed
  finished before kill:  $finished
  committed when killed: $committed
  survived (verified):   $survived
  double closes:         $double
  temporary files left by kills (cleaned by the next close): $leftovers
  periods closed:        $closed
  fault injection in this binary: $fault_injection
  failures:              $failures
EOF
[[ $failures -eq 0 ]]
