#!/usr/bin/env bash
# Throwaway PostgreSQL for the tests: installs Debian's package when missing (CI runs as root on a fresh
# machine), starts a cluster in a temp folder on a free loopback port, prints the connection string.
#   .ci/postgres.sh start   -> prints "DIR CONNSTR" on stdout (logs on stderr)
#   .ci/postgres.sh stop DIR
set -euo pipefail

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir() {
  local pgc
  pgc="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$pgc" ] && [ -x "$pgc/initdb" ] && echo "$pgc"
}

case "${1:-}" in
  start)
    if ! bin="$(bindir)"; then
      if [ "$(id -u)" -ne 0 ]; then echo "postgres.sh: PostgreSQL is not installed and this is not root" >&2; exit 1; fi
      echo "postgres.sh: installing postgresql" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq postgresql >&2 || { apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2; }
      bin="$(bindir)"
    fi
    dir="$(mktemp -d /tmp/reviewbot-pg.XXXXXX)"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >&2
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2
    echo "$dir Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=40"
    ;;
  stop)
    dir="${2:?usage: postgres.sh stop DIR}"
    bin="$(bindir)" || exit 0
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
