#!/usr/bin/env bash
# Installs the packed package into a fresh client project and checks that the
# client ends up with exactly one copy of effect (logbook takes the client's,
# as a peer dependency). Takes a few minutes: better-sqlite3 is built.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$repo"
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
cd "$work"
mkdir client && cd client
npm init -y >/dev/null
npm install --no-audit --no-fund "$work/$tarball" effect @effect/cli @effect/experimental @effect/platform @effect/platform-node @effect/sql @effect/sql-sqlite-node >/dev/null
npm ls effect --all
copies="$(npm ls effect --all --parseable | sort -u | wc -l)"
echo "copies of effect: $copies"
test "$copies" -eq 1
