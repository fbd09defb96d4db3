#!/usr/bin/env bash
# Nightly wrapper for cron: runs FollowThrough once, logs everything to a dated file, writes the run's
# JSON summary beside it (followthrough-YYYY-MM-DD.json), keeps 60 days of both, and prints only when
# something went wrong (so cron's MAILTO mails the manager only then).
#
# Safe to run again by hand, or from a retry wrapper, any number of times the same night: the state file
# remembers what was delivered, so a rerun sends only what is still undelivered (a second run while one is
# going exits 3 and sends nothing).
#
# Usage: followthrough-nightly.sh CONFIG [extra followthrough run options...]
# Environment: FOLLOWTHROUGH_BIN (default: followthrough on PATH), FOLLOWTHROUGH_LOG_DIR
#              (default: logs/ beside the config), FOLLOWTHROUGH_SMTP_PASSWORD (if the config uses it).
set -uo pipefail

config=${1:?usage: followthrough-nightly.sh CONFIG [run options...]}
shift
bin=${FOLLOWTHROUGH_BIN:-followthrough}
log_dir=${FOLLOWTHROUGH_LOG_DIR:-"$(cd "$(dirname "$config")" && pwd)/logs"}
mkdir -p "$log_dir"
stamp=$(date +%F)
log="$log_dir/followthrough-$stamp.log"
summary="$log_dir/followthrough-$stamp.json"

{
  echo "=== $(date '+%F %T %z') followthrough run --config $config $*"
  "$bin" run --config "$config" --summary-json "$summary" "$@"
  status=$?
  echo "=== exit $status"
  exit $status
} >>"$log" 2>&1
status=$?

find "$log_dir" \( -name 'followthrough-*.log' -o -name 'followthrough-*.json' \) -mtime +60 -delete 2>/dev/null

case $status in
  0) ;;
  1) echo "FollowThrough: some messages were not delivered (exit 1). Transient failures are retried by the next run"
     echo "(or rerun now: $bin run --config $config); permanent ones need the address fixed. See $log,"
     echo "$summary and: $bin status --config $config" ;;
  2) echo "FollowThrough: nothing was sent: a config or export problem (exit 2). Fix it and rerun by hand"
     echo "($bin run --config $config); see $log" ;;
  3) echo "FollowThrough: another run was still going (exit 3); this one sent nothing. See $log"
     echo "and $bin status --config $config" ;;
  *) echo "FollowThrough: unexpected exit $status; see $log" ;;
esac
[ $status -eq 0 ] || tail -n 20 "$log"
exit $status
