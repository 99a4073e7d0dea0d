# Sourced by scripts/test and scripts/bench: a throwaway PostgreSQL cluster in a temporary folder, on a free
# loopback port, stopped again by `throwaway_postgres_stop`. Sets PG_PORT and AMS_PG_URL (database ams_test, user
# ams, trust authentication on loopback only).
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

as_pg() {
  # PostgreSQL refuses to run as root: use its own system account then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# throwaway_postgres_start DIR: initdb in DIR/pg, start on a free port, create the database.
throwaway_postgres_start() {
  local dir=$1
  [ -x "${PGBIN}/initdb" ] || { echo "PostgreSQL server binaries are missing (Debian: postgresql)" >&2; return 2; }
  PG_DIR="$dir/pg"
  PG_PORT=$(free_port)
  mkdir -p "$PG_DIR" "$dir/pgsock"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR" "$dir/pgsock"
  as_pg "$PGBIN/initdb" -D "$PG_DIR" -U ams --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
  as_pg "$PGBIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -o "-p $PG_PORT -k $dir/pgsock -c listen_addresses=127.0.0.1 -c max_connections=1000" start >/dev/null \
    || { cat "$PG_DIR/server.log"; return 1; }
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U ams ams_test
  AMS_PG_URL="postgres://ams@127.0.0.1:$PG_PORT/ams_test"
}

throwaway_postgres_stop() {
  [ -n "${PG_DIR:-}" ] && as_pg "$PGBIN/pg_ctl" -D "$PG_DIR" -m immediate stop >/dev/null 2>&1
  return 0
}
