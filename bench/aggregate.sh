#!/usr/bin/env bash
# Past one machine, measured on one (docs/scaling.md, "The aggregate path,
# measured"): the 1,000,000-ISRC cell of the matrix split into PARTS files,
# each summed by `royalty aggregate` in its own process (PROCS at a time, as
# separate machines would), then `royalty run --aggregates` over the parts;
# the payouts are compared with `royalty run` over the same lines in one
# statement.
#
#   bench/aggregate.sh                  # 5,000,000 lines, 8 parts, 2 processes
#   LINES=1000000 PARTS=4 PROCS=2 bench/aggregate.sh
#
# Not part of the test suite; generated data stays in bench/data/.
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${LINES:-5000000}"
PARTS="${PARTS:-8}"
PROCS="${PROCS:-2}"
SEED="${SEED:-2026}"
. bench/setup.sh
DATA="$PWD/bench/data"
AGR="$DATA/agreements-a1000-i1000000-c0.1-s$SEED"
ONE="$DATA/statement-$LINES-s$SEED-i1000000.csv"
SPLIT="$DATA/statement-$LINES-s$SEED-i1000000-f$PARTS-csv"
OUT="$DATA/aggregate-path"
[ -d "$AGR" ] || "$PYTHON" bench/gen_agreements.py --out "$AGR" --agreements 1000 \
    --isrcs 1000000 --cover 0.1 --seed "$SEED"
[ -f "$ONE" ] || "$GEN" "$LINES" "$ONE" --isrcs 1000000 --seed "$SEED"
[ -d "$SPLIT" ] || "$GEN" "$LINES" "$SPLIT" --isrcs 1000000 --seed "$SEED" --files "$PARTS"
rm -rf "$OUT" && mkdir -p "$OUT"
cat "$SPLIT"/*.csv > /dev/null  # page cache, as the matrix does

now() { date +%s.%N; }
t0=$(now)
ls "$SPLIT"/*.csv | xargs -P "$PROCS" -I{} sh -c \
    '/usr/bin/time -f "%M" -o "$2/$(basename "$1" .csv).rss" "$3" aggregate --agreements "$4" \
        --statements "$1" --output "$2/$(basename "$1" .csv).agg.csv"' _ {} "$OUT" "$ROYALTY" "$AGR"
t1=$(now)
/usr/bin/time -f "%M" -o "$OUT/run.rss" "$ROYALTY" run --agreements "$AGR" --period 2026-Q1 \
    --format json --aggregates "$OUT"/*.agg.csv > "$OUT/run-aggregates.json"
t2=$(now)
/usr/bin/time -f "%M" -o "$OUT/direct.rss" "$ROYALTY" run --agreements "$AGR" --period 2026-Q1 \
    --format json --statements "$ONE" > "$OUT/run-direct.json"
t3=$(now)

"$PYTHON" - "$OUT" "$t0" "$t1" "$t2" "$t3" "$PARTS" "$PROCS" "$LINES" <<'PY'
import json, sys, pathlib
out, t0, t1, t2, t3, parts, procs, lines = sys.argv[1:]
out = pathlib.Path(out)
t0, t1, t2, t3 = map(float, (t0, t1, t2, t3))
rss = lambda p: int(p.read_text().split()[-1]) / 1024
agg_rss = max(rss(p) for p in out.glob("part-*.rss"))
sizes = sum(p.stat().st_size for p in out.glob("*.agg.csv")) / 1e6
a, d = (json.loads((out / f).read_text()) for f in ("run-aggregates.json", "run-direct.json"))
for doc in (a, d):
    doc.pop("statements", None)
same = "the same payouts, unmatched and checks" if a == d else "DIFFERENT figures"
print(f"| step | wall s | peak RSS MB |\n|---|---:|---:|")
print(f"| `royalty aggregate`, {parts} parts of {int(lines) // int(parts):,} lines, {procs} processes at a time | {t1 - t0:.2f} | {agg_rss:.0f} (each) |")
print(f"| `royalty run --aggregates` ({sizes:.0f} MB of aggregates) | {t2 - t1:.2f} | {rss(out / 'run.rss'):.0f} |")
print(f"| `royalty run --statements` (the same {int(lines):,} lines in one file) | {t3 - t2:.2f} | {rss(out / 'direct.rss'):.0f} |")
print(f"\nBoth runs give {same} (the JSON without its list of statement files).")
PY
