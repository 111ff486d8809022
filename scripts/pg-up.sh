#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the test suite and prints its admin URL.
# Usage: scripts/pg-up.sh [data-dir] [port]. Needs Debian's postgresql package (initdb, pg_ctl).
# PostgreSQL refuses to run as root, so as root the cluster is run by the `postgres` user.
set -euo pipefail
port=${2:-${CROSSDOCK_PGPORT:-55432}}
# Under /tmp by default: the postgres user must be able to reach it, which a home directory may not allow.
data_dir=${1:-${CROSSDOCK_PGDATA:-${TMPDIR:-/tmp}/crossdock-pg-$port}}

bin_dir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bin_dir=$candidate
done
if [ -z "$bin_dir" ]; then
  bin_dir=$(dirname "$(command -v initdb 2>/dev/null || true)")
fi
if [ -z "$bin_dir" ] || [ ! -x "$bin_dir/initdb" ]; then
  echo "pg-up: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 3
fi

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$data_dir"
if [ "$(id -u)" = "0" ]; then chown postgres: "$data_dir"; fi
if [ ! -f "$data_dir/PG_VERSION" ]; then
  as_owner "$bin_dir/initdb" -D "$data_dir" -U crossdock --auth=trust --encoding=UTF8 --no-locale >/dev/null
fi
if ! as_owner "$bin_dir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
  # fsync stays on: the tests exercise the same durability the product runs with.
  as_owner "$bin_dir/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data_dir -c max_connections=300" start >/dev/null
fi
echo "postgres://crossdock@127.0.0.1:$port/postgres"
