#!/usr/bin/env bash
# The demo: builds FollowThrough and runs the nightly job on examples/demo as of 2026-11-23,
# writing the messages into examples/demo/outbox/ and listing them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh libcurl4-openssl-dev libsqlite3-dev libzstd-dev
swift build -c release --product followthrough
rm -rf examples/demo/outbox examples/demo/followthrough-state.sqlite*
.build/release/followthrough run --config examples/demo/followthrough.toml --as-of 2026-11-23
echo
echo "examples/demo/outbox/ now holds:"
ls -1 examples/demo/outbox
