#!/usr/bin/env bash
# Shards (issue 22): one database whose Anhui (province 34) lives on a second PostgreSQL server
# through postgres_fdw, against one single server, on the same bundle and the same writes. Every
# figure must be equal; the script stops with exit 1 at the first difference. It also times each
# step on both, so it is the shards' benchmark as well (docs/performance.md).
#   1. `xplus import` into a single database; `init --partition province`, `import` and
#      `shard --province 34` into the coordinator (the shard's database is on the other server);
#   2. equal: the export, `assess --year 2016`, the 2016 report (json) and the 2016 dividends;
#   3. the same writes on both: `assess --year 2016 --apply`; a household moved to a county of
#      Jiangsu (off the shard) and another to a second county of Anhui (within the shard), then
#      the first moved back (onto the shard); the whole export imported again with one person
#      in a thousand changed (the re-import path);
#   4. equal again: the export, `assess --year 2017`, the 2017 report; `report --verify` finds
#      the roll-ups equal to the records on both.
# Every database is dropped at the end, and the cluster too when the script made it.
#   bash benches/shards.sh --postgres postgres://postgres@127.0.0.1
#        [--shard postgres://postgres@127.0.0.1:5442 | --make-cluster 5442]
#        [--scale county|city] [--xplus PATH] [--dir DIR] [--pages]
# --pages also times the pages on both at the end (benches/list_pages.sh, median of 3).
# --make-cluster PORT creates a PostgreSQL cluster on PORT for the run (pg_createcluster, trust
# on 127.0.0.1; needs root) and removes it afterwards. Needs psql and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TMPDIR:-/tmp}/xplus-shards
server=
shard=
make_cluster=
scale=county
xplus=
pages=0
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) server=${2%/}; shift ;;
    --shard) shard=${2%/}; shift ;;
    --make-cluster) make_cluster=$2; shift ;;
    --scale) scale=$2; shift ;;
    --xplus) xplus=$2; shift ;;
    --dir) dir=$2; shift ;;
    --pages) pages=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$server" ] || { echo "--postgres URL is needed" >&2; exit 2; }
[ -n "$shard" ] || [ -n "$make_cluster" ] || { echo "--shard URL or --make-cluster PORT is needed" >&2; exit 2; }
if [ -z "$xplus" ]; then
  cargo build --release --quiet
  xplus=$PWD/target/release/xplus
fi
rm -rf "$dir/run"
mkdir -p "$dir/run"
run=$dir/run

export XPLUS_LANG=zh   # the lines this script greps for are the Chinese ones
version=
cleanup() {
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS xplus_shard_single WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS xplus_shard_coord WITH (FORCE)" >/dev/null 2>&1 || true
  psql -q "$shard/postgres" -c "DROP DATABASE IF EXISTS xplus_shard_34 WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -n "$make_cluster" ]; then
    pg_dropcluster --stop "$version" xplus_shard >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
if [ -n "$make_cluster" ]; then
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  pg_dropcluster --stop "$version" xplus_shard >/dev/null 2>&1 || true
  pg_createcluster "$version" xplus_shard -p "$make_cluster" >/dev/null
  conf=/etc/postgresql/$version/xplus_shard
  echo "host all all 127.0.0.1/32 trust" >"$conf/pg_hba.conf"
  echo "local all all trust" >>"$conf/pg_hba.conf"
  echo "listen_addresses = '127.0.0.1'" >>"$conf/postgresql.conf"
  pg_ctlcluster --skip-systemctl-redirect "$version" xplus_shard start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$make_cluster" && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p "$make_cluster"
  shard=postgres://postgres@127.0.0.1:$make_cluster
fi

measure() { # label, command…  → prints "label: seconds s, peak KB"
  local label=$1; shift
  /usr/bin/time -f "$label: %e s elapsed, peak %M KB" "$@" >"$run/out.txt" 2>"$run/time.txt" || {
    cat "$run/out.txt" "$run/time.txt"; exit 1; }
  tail -n 1 "$run/time.txt"
}
same() { # what, path in single, path in coordinator
  if diff -r "$2" "$3" >"$run/diff.txt"; then
    echo "equal: $1"
  else
    echo "DIFFERENT: $1"; head -n 20 "$run/diff.txt"; exit 1
  fi
}
single=$server/xplus_shard_single
coord=$server/xplus_shard_coord
psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS xplus_shard_single WITH (FORCE)" \
  -c "DROP DATABASE IF EXISTS xplus_shard_coord WITH (FORCE)" \
  -c "CREATE DATABASE xplus_shard_single" -c "CREATE DATABASE xplus_shard_coord"
psql -q "$shard/postgres" -c "DROP DATABASE IF EXISTS xplus_shard_34 WITH (FORCE)" \
  -c "CREATE DATABASE xplus_shard_34"

bundle=$dir/bundle_$scale
[ -f "$bundle/households.csv" ] || "$xplus" demo --scale "$scale" --seed 2016 --out "$bundle" >/dev/null
echo "$scale bundle: $(du -sh "$bundle" | cut -f1), $(cat "$bundle"/*.csv | wc -l) lines"

echo "== load"
measure "import (single server)" "$xplus" --db "$single" import "$bundle"
measure "init --partition province (coordinator)" "$xplus" --db "$coord" init --partition province
measure "import (coordinator, before the shard)" "$xplus" --db "$coord" import "$bundle"
measure "shard --province 34" "$xplus" --db "$coord" shard --province 34 --server "$shard/xplus_shard_34"
grep "家庭成员" "$run/out.txt"

# Everything each database shows of year $1, into $run/$2/$1.
figures() { # year, name, url
  local out=$run/$2/$1
  mkdir -p "$out"
  "$xplus" --db "$3" export "$out/export" >/dev/null
  measure "assess --year $1 ($2)" "$xplus" --db "$3" assess --year "$1" --out "$out/assess"
  "$xplus" --db "$3" report --year "$1" --format json --out "$out/report.json" >/dev/null
  "$xplus" --db "$3" dividends --year "$1" --out "$out/dividends.csv" >/dev/null
}
compare() { # year
  figures "$1" single "$single"
  figures "$1" sharded "$coord"
  for what in export assess report.json dividends.csv; do
    same "$what of $1" "$run/single/$1/$what" "$run/sharded/$1/$what"
  done
}
echo "== figures after the load"
compare 2016

echo "== the same writes on both"
for db in "$single" "$coord"; do
  measure "assess --year 2016 --apply ($db)" "$xplus" --db "$db" assess --year 2016 --apply --out "$run/applied"
done
# Two households of the first village: one to 玄武区 (Jiangsu), one to 明光市 (Anhui).
"$xplus" --db "$single" export "$run/now" >/dev/null
first=$(sed -n 2p "$run/now/households.csv" | cut -d, -f2)
mkdir -p "$run/move" "$run/back"
cat >"$run/move/regions.csv" <<'EOF'
code,name,level,parent_code
320000000000,江苏省,province,
320100000000,南京市,city,320000000000
320102000000,玄武区,county,320100000000
320102001000,梅园新村街道,town,320102000000
320102001001,丁村,village,320102001000
341182000000,明光市,county,341100000000
341182999000,明光街道,town,341182000000
341182999001,丙村,village,341182999000
EOF
printf 'village_code,poor_village,population,exit_year,planned_exit_year\n320102001001,0,900,,\n341182999001,0,1200,,\n' >"$run/move/villages.csv"
{ head -n 1 "$run/now/households.csv" | sed '1s/^\xEF\xBB\xBF//'
  sed -n 2p "$run/now/households.csv" | sed "s/,$first,/,320102001001,/"
  sed -n 3p "$run/now/households.csv" | sed "s/,$first,/,341182999001,/"
} >"$run/move/households.csv"
grep -q ",341182999001," "$run/move/households.csv" || {
  echo "the second household is not in the first one's village: no move within the shard" >&2; exit 1; }
{ head -n 1 "$run/move/households.csv"
  sed -n 2p "$run/move/households.csv" | sed "s/,320102001001,/,$first,/"
} >"$run/back/households.csv"
for db in "$single" "$coord"; do
  measure "move off and within the shard ($db)" "$xplus" --db "$db" import "$run/move"
  measure "move back onto the shard ($db)" "$xplus" --db "$db" import "$run/back"
done
# The whole bundle again, one person in a thousand with another health.
"$xplus" --db "$single" export "$run/again" >/dev/null
awk -F, 'NR > 1 && NR % 1000 == 0 { sub(/,healthy,/, ",chronic,") } { print }' \
  "$run/again/members.csv" >"$run/members.csv"
mv "$run/members.csv" "$run/again/members.csv"
for db in "$single" "$coord"; do
  measure "import again ($db)" "$xplus" --db "$db" import "$run/again"
done
echo "== figures after the writes"
compare 2017
for db in "$single" "$coord"; do
  "$xplus" --db "$db" report --verify | tail -n 1
done
echo "== where the rows are"
psql -At "$coord" -c "SELECT tableoid::regclass, count(*) FROM members GROUP BY 1 ORDER BY 1"
psql -At "$shard/xplus_shard_34" -c "SELECT 'shard members_p34', count(*) FROM members_p34"
if [ "$pages" = 1 ]; then
  for db in "$single" "$coord"; do
    echo "== pages ($db)"
    PAGES="/dashboard /chain?year=2016 /coverage?year=2016 /collective?year=2016 /industry?year=2016 /helpers" \
      bash benches/list_pages.sh "$xplus" "$db" 3 | grep median
  done
fi
echo "shards: every figure equal"
