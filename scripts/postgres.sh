#!/usr/bin/env bash
# A throwaway PostgreSQL server for logbook's PostgreSQL tests, on loopback only.
#
#   scripts/postgres.sh start [DIR]   initdb into DIR (default: a new temp folder), start the
#                                     server on a free 127.0.0.1 port with its unix socket in
#                                     DIR, create the database `logbook`, and print
#                                     `export LOGBOOK_TEST_PG_URL=...` and `export LOGBOOK_TEST_PG_DIR=...`
#   scripts/postgres.sh stop DIR      stop that server and remove DIR
#
# Typical use:  eval "$(scripts/postgres.sh start)"; npm test; scripts/postgres.sh stop "$LOGBOOK_TEST_PG_DIR"
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    echo "postgres.sh: no PostgreSQL server binaries found (install the postgresql package)" >&2
    exit 1
  fi
  echo "$found"
}

as_server_user() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}

start() {
  local dir="${1:-}"
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/logbook-pg.XXXXXX"); fi
  mkdir -p "$dir"
  local bin port user
  bin=$(bindir)
  if [ "$(id -u)" = "0" ]; then
    chown postgres: "$dir"
    user=postgres
  else
    user=$(id -un)
  fi
  as_server_user "$bin/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  port=$(free_port)
  # fsync off: a test server survives its processes being killed (the OS keeps the writes),
  # which is all the tests need; synchronous_commit stays on so a stopped server loses no commit.
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=300" start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
  as_server_user "$bin/createdb" -h "$dir" -p "$port" -U "$user" logbook
  echo "$port" >"$dir/port"
  echo "export LOGBOOK_TEST_PG_URL=postgres://$user@127.0.0.1:$port/logbook"
  echo "export LOGBOOK_TEST_PG_DIR=$dir"
}

stop() {
  local dir="${1:?usage: postgres.sh stop DIR}"
  if [ -d "$dir/data" ]; then
    as_server_user "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
