#!/usr/bin/env bash
# Partitions by province (issue 22), PostgreSQL, one run on this machine, release build:
#   1. psql's `\copy` of every file of the demo bundle into text tables (no schema, no checks);
#   2. `xplus import` into a new, plain database, then `assess --year 2016` three times;
#   3. `xplus init --partition province` on a new database, `xplus import` into it, the same
#      assessment three times; the two databases' exports and assessments must be identical;
#   4. `xplus init --partition province` on the full plain database (the migration path);
#   5. with --reimport: the same bundle imported again into both databases (nothing changes; the
#      path that compares with stored rows and merges a staging table);
#   6. the plan of a one-county count, which reads one province's partition.
# Every database is dropped at the end. Needs psql and GNU time.
#   bash benches/partitions.sh --postgres postgres://postgres@127.0.0.1 [--scale county|city]
#        [--reimport] [--xplus PATH] [--dir DIR]
# With --xplus an older build is timed on the plain database alone (it cannot partition).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TMPDIR:-/tmp}/xplus-bench
server=
scale=city
reimport=0
xplus=
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) server=${2%/}; shift ;;
    --scale) scale=$2; shift ;;
    --reimport) reimport=1 ;;
    --xplus) xplus=$2; shift ;;
    --dir) dir=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$server" ] || { echo "--postgres URL is needed" >&2; exit 2; }
mkdir -p "$dir"
if [ -z "$xplus" ]; then
  cargo build --release --quiet
  xplus=$PWD/target/release/xplus
  partition=1
else
  partition=0
fi
measure() { # label, command…  → prints "label: seconds s, peak KB"
  local label=$1; shift
  /usr/bin/time -f "$label: %e s elapsed, peak %M KB" "$@" >/dev/null 2>"$dir/time.txt" || { cat "$dir/time.txt"; exit 1; }
  tail -n 1 "$dir/time.txt"
}
fresh() { psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }
assess3() { # database label
  for i in 1 2 3; do
    measure "assess --year 2016 ($2) #$i" "$xplus" --db "$server/$1" assess --year 2016 --out "$dir/assess_$2"
  done
}

bundle=$dir/bundle_$scale
[ -f "$bundle/households.csv" ] || "$xplus" demo --scale "$scale" --seed 2016 --out "$bundle" >/dev/null
echo "$scale bundle: $(du -sh "$bundle" | cut -f1), $(cat "$bundle"/*.csv | wc -l) lines"

fresh xplus_part_raw
: >"$dir/raw_pg.sql"
for f in "$bundle"/*.csv; do
  t=raw_$(basename "$f" .csv)
  echo "CREATE TABLE $t ($(head -n 1 "$f" | tr -d '\r' | sed 's/,/ text, /g; s/$/ text/'));" >>"$dir/raw_pg.sql"
  echo "\\copy $t FROM '$f' WITH (FORMAT csv, HEADER true)" >>"$dir/raw_pg.sql"
done
measure "psql copy (raw)" psql -q "$server/xplus_part_raw" -f "$dir/raw_pg.sql"

fresh xplus_part_plain
measure "xplus import (plain)" "$xplus" --db "$server/xplus_part_plain" import "$bundle"
assess3 xplus_part_plain plain
if [ "$reimport" = 1 ]; then
  measure "xplus import again (plain)" "$xplus" --db "$server/xplus_part_plain" import "$bundle"
fi

if [ "$partition" = 1 ]; then
  fresh xplus_part_split
  measure "init --partition province (empty)" "$xplus" --db "$server/xplus_part_split" init --partition province
  measure "xplus import (partitioned)" "$xplus" --db "$server/xplus_part_split" import "$bundle"
  assess3 xplus_part_split split
  if [ "$reimport" = 1 ]; then
    measure "xplus import again (partitioned)" "$xplus" --db "$server/xplus_part_split" import "$bundle"
  fi
  for f in households.csv villages.csv; do
    cmp "$dir/assess_plain/$f" "$dir/assess_split/$f"
  done
  rm -rf "$dir/export_plain" "$dir/export_split"
  "$xplus" --db "$server/xplus_part_plain" export "$dir/export_plain" >/dev/null
  "$xplus" --db "$server/xplus_part_split" export "$dir/export_split" >/dev/null
  diff -r "$dir/export_plain" "$dir/export_split" >/dev/null
  echo "exports and assessments identical"
  measure "init --partition province (full plain database)" "$xplus" --db "$server/xplus_part_plain" init --partition province
  psql -q "$server/xplus_part_split" -c "EXPLAIN (COSTS OFF) SELECT count(*) FROM members WHERE county_code = 341181000000"
fi

for db in xplus_part_raw xplus_part_plain xplus_part_split; do
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db"
done
rm -rf "$dir/export_plain" "$dir/export_split" "$dir/assess_plain" "$dir/assess_split"
