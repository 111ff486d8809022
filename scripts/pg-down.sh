#!/usr/bin/env bash
# Stops the throwaway cluster started by pg-up.sh.
set -euo pipefail
port=${2:-${CROSSDOCK_PGPORT:-55432}}
data_dir=${1:-${CROSSDOCK_PGDATA:-${TMPDIR:-/tmp}/crossdock-pg-$port}}
bin_dir=""
for candidate in /usr/lib/postgresql/*/bin; do [ -x "$candidate/pg_ctl" ] && bin_dir=$candidate; done
[ -n "$bin_dir" ] || exit 0
if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$bin_dir/pg_ctl" -D "$data_dir" -m fast stop || true
else "$bin_dir/pg_ctl" -D "$data_dir" -m fast stop || true; fi
