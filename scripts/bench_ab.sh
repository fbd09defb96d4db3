#!/usr/bin/env bash
# A/B of two followthrough binaries on the same generated exports, to tell whether a change made the nightly run faster.
#
#   scripts/bench_ab.sh BIN_A BIN_B [ROUNDS] [SCALE]      ROUNDS: 20, SCALE: 1000000 (N or N:Y, as scripts/bench.sh)
#
# Each round runs both binaries once, `run --plan-out --summary-json` on a fresh state (a first night), one right after
# the other, in an order that alternates from round to round: on this machine the first run of a pair was often
# 50-90 ms slower whichever binary it was, so a fixed order credits the second binary with a gain it does not have.
# Prints each binary's medians (wall time and every phase of `phases_ms`), then the paired differences A - B per
# round (positive: B faster): median, mean, standard error and in how many rounds B was faster. A difference smaller
# than ~2 standard errors is noise. Build the binaries as scripts/bench.sh does (`--static-swift-stdlib`, release).
# Exports: generated as scripts/bench.sh generates them (cached in $BENCH_DATA, default bench-data).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/bench_lib.sh
[ $# -ge 2 ] || { echo "usage: scripts/bench_ab.sh BIN_A BIN_B [ROUNDS] [SCALE]" >&2; exit 64; }
A=$(realpath "$1"); B=$(realpath "$2")
ROUNDS=${3:-20}
SPEC=${4:-1000000}
[[ $SPEC =~ ^[0-9]+(:[0-9]+)?$ ]] || { echo "bench_ab.sh: scale '$SPEC' is not N or N:Y" >&2; exit 64; }
[ -x "$A" ] && [ -x "$B" ] || { echo "bench_ab.sh: $A or $B is not an executable" >&2; exit 64; }
SEED=${SEED:-1}
AS_OF=${AS_OF:-2026-11-23}
DATA=${BENCH_DATA:-$ROOT/bench-data}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)  # the config names the exports: a relative path would be taken from the config's folder
bench_exports "$SPEC"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/followthrough-ab.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# one BIN TAG ROUND: one night on a fresh state; appends "TAG ROUND wall_ms phase=ms ..." to $WORK/runs.
one() {
  local bin=$1 tag=$2 round=$3 r=$WORK/$2-$3
  mkdir -p "$r/outbox"
  bench_config "$dir" "$r/state.sqlite" "$r/outbox" >"$r/followthrough.toml"
  local t0 t1
  t0=$(date +%s%N)
  "$bin" run --config "$r/followthrough.toml" --as-of "$AS_OF" --outbox "$r/outbox" --plan-out "$r/plan.json" \
      --summary-json "$r/summary.json" >"$r/out.log" 2>&1 || { echo "bench_ab.sh: $bin failed:" >&2; tail -n 20 "$r/out.log" >&2; exit 1; }
  t1=$(date +%s%N)
  python3 -c 'import json, sys; p = json.load(open(sys.argv[4]))["phases_ms"]
print(sys.argv[1], sys.argv[2], sys.argv[3], " ".join(f"{k}={v}" for k, v in p.items()))' \
      "$tag" "$round" $(( (t1 - t0) / 1000000 )) "$r/summary.json" >>"$WORK/runs"
}
for round in $(seq 1 "$ROUNDS"); do
  # (Nothing is deleted until the end: files deleted between runs made the next runs' file creation vary.)
  if [ $((round % 2)) = 1 ]; then one "$A" A "$round"; one "$B" B "$round"; else one "$B" B "$round"; one "$A" A "$round"; fi
done
cmp -s "$WORK/A-1/plan.json" "$WORK/B-1/plan.json" || echo "bench_ab.sh: note: the two binaries' plan.json differ" >&2
echo "A = $A"
echo "B = $B"
echo "scale $SPEC, $ROUNDS rounds, order alternating"
python3 - "$WORK/runs" <<'EOF'
import collections, statistics as st, sys
runs = collections.defaultdict(dict)  # round -> tag -> {name: ms}
for line in open(sys.argv[1]):
    tag, rnd, wall, *phases = line.split()
    runs[int(rnd)][tag] = {"wall": float(wall), **{k: float(v) for k, v in (p.split("=") for p in phases)}}
names = ["wall"] + [k for k in runs[1]["A"] if k != "wall"]
print(f"{'':18} {'A median':>9} {'B median':>9} {'A-B median':>11} {'mean':>7} {'s.e.':>6} {'B faster':>9}")
for name in names:
    a = [r["A"].get(name, 0) for r in runs.values()]
    b = [r["B"].get(name, 0) for r in runs.values()]
    d = [x - y for x, y in zip(a, b)]
    se = st.stdev(d) / len(d) ** 0.5 if len(d) > 1 else 0
    print(f"{name:18} {st.median(a):9.0f} {st.median(b):9.0f} {st.median(d):11.1f} {st.mean(d):7.1f} {se:6.1f} "
          f"{sum(x > 0 for x in d):4d}/{len(d)}")
EOF
