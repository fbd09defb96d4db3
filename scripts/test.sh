#!/usr/bin/env bash
# The test command: installs what the tests need when missing, then builds and runs the whole suite.
# Integration tests use Debian's /usr/bin/python3 with python3-aiosmtpd (a real SMTP server) and its
# standard-library email package (a real MIME parser); SQLite and libcurl are the system libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh libcurl4-openssl-dev libsqlite3-dev libzstd-dev python3 python3-aiosmtpd openssl
/usr/bin/python3 -c 'import aiosmtpd, email' 
swift build --build-tests
swift test --skip-build --parallel --num-workers 2 "$@"
