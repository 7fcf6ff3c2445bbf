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
# The client takes the peer dependencies at the ranges logbook declares (the newest effect is another major line).
peers="$(node -e 'const p = require(process.argv[1]).peerDependencies; const optional = require(process.argv[1]).peerDependenciesMeta ?? {}; console.log(Object.entries(p).filter(([n]) => !optional[n]?.optional).map(([n, v]) => `${n}@${v}`).join(" "))' "$repo/package.json")"
npm install --no-audit --no-fund "$work/$tarball" $peers >/dev/null
npm ls effect --all
copies="$(npm ls effect --all --parseable | sort -u | wc -l)"
echo "copies of effect: $copies"
test "$copies" -eq 1
