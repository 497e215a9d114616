#!/usr/bin/env bash
# A primary and its streaming replica on this machine (issue 22), and the dashboard under load
# against the pair: two new PostgreSQL clusters (the primary on port 5440, the replica made with
# pg_basebackup on 5441), the city demo imported into the primary, `xplus serve --db PRIMARY
# --read-db REPLICA`, and wrk fetching the dashboard with 20 connections — first served from
# the primary alone, then with the replica. Both clusters are removed at the end.
#   bash benches/replica.sh [--scale city|county] [--seconds N]
# Needs: Debian's postgresql (pg_createcluster, pg_basebackup), wrk, curl; run as root (the
# clusters belong to the postgres user). Records nothing on the machine's own cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=city
seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
version=$(ls /etc/postgresql | sort -n | tail -1)
bin=/usr/lib/postgresql/$version/bin
primary=xplusprimary
replica=xplusreplica
work=$(mktemp -d)
server=
cleanup() {
  local status=$?
  [ "$status" -ne 0 ] && [ -f "$work/serve.log" ] && tail -20 "$work/serve.log" >&2
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  pg_dropcluster --stop "$version" "$replica" 2>/dev/null || true
  pg_dropcluster --stop "$version" "$primary" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet -p xplus-cli
xplus=$PWD/target/release/xplus

# The primary: local trust (as the machine's own cluster), replication allowed from 127.0.0.1.
pg_createcluster "$version" "$primary" --port 5440 >/dev/null
sed -i -E 's/(scram-sha-256|md5)$/trust/' "/etc/postgresql/$version/$primary/pg_hba.conf"
pg_ctlcluster --skip-systemctl-redirect "$version" "$primary" start
su postgres -c "psql -p 5440 -qc 'CREATE DATABASE xplus'"

# The replica: a base backup of the primary that streams from it (-R writes standby.signal).
pg_createcluster "$version" "$replica" --port 5441 >/dev/null
sed -i -E 's/(scram-sha-256|md5)$/trust/' "/etc/postgresql/$version/$replica/pg_hba.conf"
find "/var/lib/postgresql/$version/$replica" -mindepth 1 -delete  # pg_basebackup fills the empty directory
su postgres -c "$bin/pg_basebackup -h 127.0.0.1 -p 5440 -U postgres -D /var/lib/postgresql/$version/$replica -R -X stream"
pg_ctlcluster --skip-systemctl-redirect "$version" "$replica" start

P=postgres://postgres@127.0.0.1:5440/xplus
R=postgres://postgres@127.0.0.1:5441/xplus
"$xplus" demo --scale "$scale" --seed 2016 --out "$work/bundle" >/dev/null
/usr/bin/time -f "import into the primary: %e s, peak %M KB" "$xplus" --db "$P" import "$work/bundle" >/dev/null
# The replica has caught up when it has replayed everything the primary has written.
lsn=$(su postgres -c "psql -p 5440 -Atc 'SELECT pg_current_wal_lsn()'")
for _ in $(seq 1 300); do
  caught=$(su postgres -c "psql -p 5441 -Atc \"SELECT pg_last_wal_replay_lsn() >= '$lsn'\"")
  [ "$caught" = t ] && break
  sleep 1
done
echo "replica caught up: $caught; households on the replica: $(su postgres -c "psql -p 5441 -d xplus -Atc 'SELECT count(*) FROM households'")"
# A write to the replica is refused by PostgreSQL itself (a hot standby is read-only).
if su postgres -c "psql -p 5441 -d xplus -qc 'DELETE FROM statistics'" 2>"$work/refused"; then
  echo "the replica took a write" >&2; exit 1
fi
echo "a write to the replica: $(head -1 "$work/refused")"

password=bench-password-2026
echo "$password" | "$xplus" --db "$P" user add bench-replica --role admin >/dev/null
load() { # label, extra serve arguments… → wrk's latency distribution
  local label=$1; shift
  "$xplus" --db "$P" serve --addr 127.0.0.1:18941 "$@" >"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null http://127.0.0.1:18941/login && break; sleep 0.2; done
  local jar=$work/jar
  rm -f "$jar"
  local csrf
  csrf=$(curl -fs -c "$jar" -b "$jar" http://127.0.0.1:18941/login | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "name=bench-replica" \
    --data-urlencode "password=$password" --data-urlencode "_csrf=$csrf" http://127.0.0.1:18941/login
  # The session only: the sign-in's "just wrote" mark would send the reads to the primary.
  local cookie
  cookie=$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 && $6 == "xplus_session" {printf "%s=%s", $6, $7}')
  curl -fsS -o /dev/null -H "Cookie: $cookie" http://127.0.0.1:18941/dashboard
  echo "== $label"
  wrk -t2 -c20 -d"${seconds}s" --latency -H "Cookie: $cookie" http://127.0.0.1:18941/dashboard |
    grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}
commits() { # port → transactions committed in the database xplus so far
  su postgres -c "psql -p $1 -Atc \"SELECT xact_commit FROM pg_stat_database WHERE datname = 'xplus'\""
}
p0=$(commits 5440)
load "dashboard, primary only"
p1=$(commits 5440); r1=$(commits 5441)
load "dashboard, reads from the replica" --read-db "$R"
p2=$(commits 5440); r2=$(commits 5441)
echo "transactions during the first load: primary $((p1 - p0))"
echo "transactions during the second load: primary $((p2 - p1)), replica $((r2 - r1))"
