#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, from Debian's package, for the tests and
# for trying the replicas on one machine:
#   deploy/local_postgres.sh start DIR PORT   (prints the server's postgresql:// URL)
#   deploy/local_postgres.sh stop DIR
# DIR holds the whole cluster; delete it after stop. Trust authentication on
# 127.0.0.1 only: this is not a server to keep data on.
set -euo pipefail

action=${1:?start or stop}
folder=$(realpath -m "${2:?a folder for the cluster}")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
    echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
    exit 1
fi

# PostgreSQL refuses to run as root; then its own user runs it.
as_owner() {
    # From /, which its user can enter (not always so of the caller's folder).
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case "$action" in
start)
    port=${3:?a port}
    mkdir -p "$folder"
    [ "$(id -u)" = 0 ] && chown postgres "$folder"
    as_owner "$bin/initdb" -D "$folder/data" -U postgres -A trust > "$folder/initdb.log"
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w start -o \
        "-p $port -k $folder -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" \
        > /dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$folder/data" -m fast -w stop > /dev/null
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
