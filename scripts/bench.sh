#!/usr/bin/env bash
# Benchmark: our release binary beside DuckDB on the same generated exports, with a correctness check.
#
#   scripts/bench.sh [SCALE...]        default: 100000 1000000 (work orders; 5000000 on request)
#
# A SCALE is N (work orders over three years of history) or N:Y (N work orders over Y years: the company of
# N*3/Y work orders per three years, with a longer past; 5000000:15 is the company of 1000000 with 15 years).
#
# Environment: SEED (1), AS_OF (2026-11-23), RUNS (3), BENCH_DATA (bench-data, git-ignored),
# RESULTS (bench/RESULTS.md; "-" to not write it), DUCKDB_THREADS (0 = DuckDB's default, all cores).
# Per scale: generate once (cached in $BENCH_DATA/exports-N<scale>[-y<years>]-s<seed>-<as_of>-g<generator hash>),
# then RUNS times, interleaved: wc -l over the three files, `followthrough run … --plan-out` on a fresh state
# (night 1), the same again on that state as of the next day (night 2: last night's statuses read and compared),
# the DuckDB peer (scripts/bench_duckdb.py + .sql), each under /usr/bin/time -v. Median wall time, max peak RSS.
# Then scripts/bench_compare.py checks that night 1 and DuckDB list the same ids; any mismatch fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/bench_lib.sh
SEED=${SEED:-1}
AS_OF=${AS_OF:-2026-11-23}
AS_OF_2=$(date -u -d "$AS_OF + 1 day" +%F)   # night 2
RUNS=${RUNS:-3}
DATA=${BENCH_DATA:-$ROOT/bench-data}
RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}
DUCKDB_THREADS=${DUCKDB_THREADS:-0}
if [ $# -gt 0 ]; then scales=("$@"); else scales=(100000 1000000); fi
for s in "${scales[@]}"; do
  [[ $s =~ ^[0-9]+(:[0-9]+)?$ ]] || { echo "bench.sh: scale '$s' is not N or N:Y (work orders, years of history)" >&2; exit 64; }
done
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)

# ---- tools: GNU time, the build's system libraries, a venv with duckdb, the release binary
scripts/install-deps.sh time libcurl4-openssl-dev libsqlite3-dev libzstd-dev
PY=$DATA/.venv/bin/python
if ! "$PY" -c 'import duckdb' >/dev/null 2>&1; then
  echo "bench.sh: installing duckdb into $DATA/.venv" >&2
  python3 -m venv "$DATA/.venv"
  "$DATA/.venv/bin/pip" install -q duckdb
fi
echo "bench.sh: building the release binary, as the README installs it (Swift runtime linked in)" >&2
# Its own build folder: the flag changes every module's build, and the development build stays as it is.
swift build -c release --product followthrough --static-swift-stdlib --build-path "$ROOT/.build-static" >&2
BIN=$ROOT/.build-static/release/followthrough
DUCKDB_VERSION=$("$PY" -c 'import duckdb; print(duckdb.__version__)')

# timed LOG CMD...: runs CMD under /usr/bin/time -v (stdout+stderr to LOG.out), prints "seconds kbytes".
# Wall time is taken around /usr/bin/time in nanoseconds (its own "Elapsed" has 10 ms steps);
# peak RSS is its "Maximum resident set size".
timed() {
  local log=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  if ! /usr/bin/time -v -o "$log.time" "$@" >"$log.out" 2>&1; then
    echo "bench.sh: FAILED: $*" >&2
    tail -n 30 "$log.out" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  awk -F': ' -v ns=$((t1 - t0)) '
    /Maximum resident set size/ { k = $2 }
    END { printf "%.3f %d\n", ns / 1e9, k }' "$log.time"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maxof() { printf '%s\n' "$@" | sort -g | tail -n 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/followthrough-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
rows_md=()
failed=0
for spec in "${scales[@]}"; do
  bench_exports "$spec"
  files=("$dir/work_orders.csv" "$dir/recommendations.csv" "$dir/people.csv")
  read -r bytes rows < <("$PY" -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(sum(m["bytes"].values()), m["work_orders"] + m["recommendations"] + m["people"])' "$dir/manifest.json")
  wc_t=(); ft_t=(); ft_k=(); n2_t=(); n2_k=(); dk_t=(); dk_k=()
  for run in $(seq 1 "$RUNS"); do
    r=$WORK/$scale_id-$run
    mkdir -p "$r/ft/outbox" "$r/ft/state" "$r/duck"
    bench_config "$dir" "$r/ft/state/followthrough-state.sqlite" "$r/ft/outbox" >"$r/ft/followthrough.toml"
    read -r t _ < <(timed "$r/wc" wc -l "${files[@]}")
    wc_t+=("$t")
    read -r t k < <(timed "$r/ft/run" "$BIN" run --config "$r/ft/followthrough.toml" --as-of "$AS_OF" \
                      --outbox "$r/ft/outbox" --plan-out "$r/ft/plan.json")
    ft_t+=("$t"); ft_k+=("$k")
    # night 2: the same exports on the state night 1 left, one day later (its own outbox and plan)
    mkdir -p "$r/ft/outbox2"
    read -r t k < <(timed "$r/ft/run2" "$BIN" run --config "$r/ft/followthrough.toml" --as-of "$AS_OF_2" \
                      --outbox "$r/ft/outbox2" --plan-out "$r/ft/plan2.json")
    n2_t+=("$t"); n2_k+=("$k")
    read -r t k < <(timed "$r/duck/run" "$PY" scripts/bench_duckdb.py --data "$dir" --out "$r/duck" \
                      --as-of "$AS_OF" --threads "$DUCKDB_THREADS")
    dk_t+=("$t"); dk_k+=("$k")
    echo "bench.sh: $scale_id run $run: wc ${wc_t[-1]} s, followthrough ${ft_t[-1]} s ${ft_k[-1]} kB, night 2 ${n2_t[-1]} s ${n2_k[-1]} kB, DuckDB ${dk_t[-1]} s ${dk_k[-1]} kB" >&2
    if [ "$run" -gt 1 ] && ! cmp -s "$WORK/$scale_id-1/ft/plan.json" "$r/ft/plan.json"; then
      echo "bench.sh: $scale_id: plan.json of run $run differs from run 1 (not deterministic)" >&2
      failed=1
    fi
  done
  # the binary's summary lines (its per-row warnings only counted: the generator makes unknown owners on purpose)
  for night in 1 2; do
    out=$WORK/$scale_id-1/ft/run.out; as_of=$AS_OF
    [ "$night" = 2 ] && { out=$WORK/$scale_id-1/ft/run2.out; as_of=$AS_OF_2; }
    echo "  night $night (as of $as_of):" >&2
    grep -h '^followthrough: ' "$out" | grep -v '^followthrough: warning: ' | sed 's/^/    /' >&2 || true
    echo "    ($(grep -c '^followthrough: warning: ' "$out" || true) warning lines)" >&2
  done
  echo "bench.sh: $scale_id: comparing followthrough's plan.json with DuckDB's lists" >&2
  if ! "$PY" scripts/bench_compare.py --plan "$WORK/$scale_id-1/ft/plan.json" --duckdb "$WORK/$scale_id-1/duck" --data "$dir" >&2; then
    failed=1
    mkdir -p "$DATA/mismatch-$scale_id"
    cp -r "$WORK/$scale_id-1/ft/plan.json" "$WORK/$scale_id-1/duck" "$DATA/mismatch-$scale_id/"
    echo "bench.sh: $scale_id: LISTS DIFFER; plan.json and DuckDB output kept in $DATA/mismatch-$scale_id" >&2
    verdict="**MISMATCH**"
  else
    verdict="match"
  fi
  rows_md+=("$("$PY" - "$scale" "$years" "$bytes" "$rows" "$verdict" "$(median "${wc_t[@]}")" "$(median "${ft_t[@]}")" \
      "$(maxof "${ft_k[@]}")" "$(median "${n2_t[@]}")" "$(maxof "${n2_k[@]}")" "$(median "${dk_t[@]}")" "$(maxof "${dk_k[@]}")" <<'EOF'
import sys
scale, years, size, rows, verdict, wc, ft, ftk, n2, n2k, dk, dkk = sys.argv[1:]
label = f"{int(scale):,}" + ("" if years == "3" else f" over {years} years")
ft, dk, ftk, dkk = float(ft), float(dk), int(ftk), int(dkk)
print(f"| {label} | {int(size) / 1e6:.1f} | {int(rows):,} | {float(wc):.2f} | {ft:.2f} | {ftk / 1024:.0f} | "
      f"{float(n2):.2f} | {int(n2k) / 1024:.0f} | "
      f"{dk:.2f} | {dkk / 1024:.0f} | {ft / dk:.2f} | {ftk / dkk:.2f} | {verdict} |")
EOF
)")
done

cmd="scripts/bench.sh ${scales[*]}"
[ "$SEED" != 1 ] && cmd="SEED=$SEED $cmd"
[ "$AS_OF" != 2026-11-23 ] && cmd="AS_OF=$AS_OF $cmd"
[ "$RUNS" != 3 ] && cmd="RUNS=$RUNS $cmd"
[ "$DUCKDB_THREADS" != 0 ] && cmd="DUCKDB_THREADS=$DUCKDB_THREADS $cmd"
table=$(
  echo "Command: \`$cmd\` (seed $SEED, as of $AS_OF, median of $RUNS runs, peak RSS = max over runs;" \
       "followthrough and peak RSS: night 1, a fresh state; night 2: the same state and exports as of $AS_OF_2;" \
       "ratios and lists: night 1)"
  echo
  echo "| scale (work orders) | files MB | rows | wc -l s | followthrough s | peak RSS MB | night 2 s | night 2 RSS MB | DuckDB s | DuckDB RSS MB | time ratio (ours/DuckDB) | RSS ratio | lists |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--|"
  printf '%s\n' "${rows_md[@]}"
  echo
  echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
       "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo ' (+ local changes)');" \
       "$(swift --version 2>/dev/null | head -n 1); DuckDB $DUCKDB_VERSION (Python module, threads: ${DUCKDB_THREADS/#0/default}); $(date -u +%Y-%m-%dT%H:%MZ)."
)
echo
echo "$table"
if [ "$RESULTS" != "-" ]; then
  mkdir -p "$(dirname "$RESULTS")"
  { echo "# FollowThrough benchmark results"; echo; echo "See bench/README.md for what is measured and how."; echo; echo "$table"; } >"$RESULTS"
  echo "bench.sh: wrote $RESULTS" >&2
fi
exit $failed
