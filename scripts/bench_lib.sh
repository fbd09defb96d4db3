# Shared by scripts/bench.sh and scripts/bench_ab.sh (sourced, from the repo root): the generated exports of a scale,
# and the config a benchmark run uses.

# bench_exports SPEC: sets scale, years, scale_id and dir (the exports of SPEC, N or N:Y, under $DATA for $SEED and
# $AS_OF), generating them when missing. Uses ${PY:-python3}.
bench_exports() {
  scale=${1%%:*}
  years=3
  [[ $1 == *:* ]] && years=${1##*:}
  scale_id=$scale; [ "$years" != 3 ] && scale_id=$scale-y$years
  dir=$DATA/exports-N$scale_id-s$SEED-$AS_OF-g$(sha256sum scripts/generate_exports.py | cut -c1-8)
  if [ ! -f "$dir/manifest.json" ]; then
    echo "$(basename "$0"): generating $scale work orders over $years years into $dir" >&2
    rm -rf "$dir"
    "${PY:-python3}" scripts/generate_exports.py --work-orders "$scale" --years "$years" --seed "$SEED" --as-of "$AS_OF" --out "$dir"
  fi
}

# bench_config EXPORTS_DIR STATE_PATH OUTBOX_DIR: prints the config of a benchmark run (the repo's templates, the
# rules at 1/14/25/365, the outbox transport).
bench_config() {
  cat <<CONFIG
# written by scripts/$(basename "$0")
timezone = "America/Toronto"
templates_dir = "$ROOT/templates"
state_path = "$2"
max_rejected_percent = 1

[exports.work_orders]
path = "$1/work_orders.csv"

[exports.recommendations]
path = "$1/recommendations.csv"

[exports.people]
path = "$1/people.csv"

[rules]
lookahead_days = 1
stale_after_days = 14
digest_limit = 25
max_age_days = 365

[mail]
from = "Service Desk <service@example.com>"
sales_inbox = "sales-team@example.com"
transport = "outbox"
outbox_dir = "$3"
CONFIG
}
