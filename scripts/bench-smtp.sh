#!/usr/bin/env bash
# SMTP throughput: FollowThrough's libcurl transport vs Postfix's smtp-source, both into one
# smtp-sink on loopback, one connection each. On demand only; not part of the tests.
#   scripts/bench-smtp.sh [COUNT] [SIZE]
# FOLLOWTHROUGH_BENCH overrides the driver command (default: .build/release/followthrough bench-smtp).
set -euo pipefail
count=${1:-10000}
size=${2:-6000}
cd "$(dirname "$0")/.."
driver=${FOLLOWTHROUGH_BENCH:-.build/release/followthrough bench-smtp}

# Postfix provides smtp-sink and smtp-source; install it (without starting a mail system) when missing.
[ -x /usr/sbin/smtp-sink ] || DEBIAN_FRONTEND=noninteractive scripts/install-deps.sh postfix
scripts/install-deps.sh libcurl4-openssl-dev libsqlite3-dev libzstd-dev
[ -n "${FOLLOWTHROUGH_BENCH:-}" ] || swift build -c release --product followthrough

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# smtp-sink drops root privileges to -u USER; nobody is enough for a sink that stores nothing.
sink_user=(); [ "$(id -u)" = 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" 127.0.0.1:"$port" 1000 >/dev/null 2>&1 &
sink=$!
trap 'kill "$sink" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null && break
    sleep 0.05
done

echo "smtp-sink on 127.0.0.1:$port; $count messages of $size bytes, one connection each run"
ours=$($driver --count "$count" --size "$size" --url "smtp://127.0.0.1:$port")
echo "$ours"
ours_rate=$(sed -n 's/.*= \([0-9.]*\) messages\/s.*/\1/p' <<<"$ours")

start=$(date +%s.%N)
/usr/sbin/smtp-source -d -s 1 -m "$count" -l "$size" 127.0.0.1:"$port"
end=$(date +%s.%N)
ref_rate=$(/usr/bin/python3 -c "print(round($count / ($end - $start)))")
printf 'smtp-source -d -s 1 -m %s -l %s: %.2f s = %s messages/s\n' "$count" "$size" "$(/usr/bin/python3 -c "print($end - $start)")" "$ref_rate"
/usr/bin/python3 -c "print('ratio followthrough / smtp-source: %.2f' % ($ours_rate / $ref_rate))"
