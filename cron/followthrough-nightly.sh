#!/usr/bin/env bash
# Nightly wrapper for cron: runs FollowThrough once, logs everything to a dated file, keeps 60 days
# of logs, and prints only when something went wrong (so cron's MAILTO mails the manager only then).
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
log="$log_dir/followthrough-$(date +%F).log"

{
  echo "=== $(date '+%F %T %z') followthrough run --config $config $*"
  "$bin" run --config "$config" "$@"
  status=$?
  echo "=== exit $status"
  exit $status
} >>"$log" 2>&1
status=$?

find "$log_dir" -name 'followthrough-*.log' -mtime +60 -delete 2>/dev/null

case $status in
  0) ;;
  1) echo "FollowThrough: some messages were not delivered (exit 1). They are retried by the next run; see $log" ;;
  2) echo "FollowThrough: nothing was sent: a config or export problem (exit 2). Fix it and rerun by hand; see $log" ;;
  3) echo "FollowThrough: another run was still going (exit 3); this one sent nothing. See $log" ;;
  *) echo "FollowThrough: unexpected exit $status; see $log" ;;
esac
[ $status -eq 0 ] || tail -n 20 "$log"
exit $status
