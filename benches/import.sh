#!/usr/bin/env bash
# Import benchmark (issue: registry foundation). Measures, in one run on this machine:
#   1. sqlite3's raw `.import` of every CSV file of the city-scale demo bundle (no schema, no checks);
#   2. `xplus import` of the same bundle into a new SQLite database (all checks, indexes, keys);
#   3. with --province: peak memory of `xplus import` of the province-scale bundle;
#   4. with --national: time and peak memory of generating the national bundle (~17 GB of CSV);
#   5. with --postgres URL (a server where the URL's user may create databases, e.g.
#      postgres://postgres@127.0.0.1): psql's `\copy` of every city file into text tables (no
#      schema, no checks, no indexes) and `xplus import` of the same bundle into a new database,
#      including its indexes and roll-ups. Both databases are dropped afterwards.
# Needs: sqlite3 and GNU time (apt-get install -y sqlite3 time), psql for --postgres. Usage:
#   bash benches/import.sh [--province] [--national] [--postgres URL] [--dir /path/with/space]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TMPDIR:-/tmp}/xplus-bench
province=0
national=0
postgres=
while [ $# -gt 0 ]; do
  case "$1" in
    --province) province=1 ;;
    --national) national=1 ;;
    --postgres) postgres=$2; shift ;;
    --dir) dir=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$dir"
cargo build --release --quiet
xplus=$PWD/target/release/xplus
measure() { # label, command…  → prints "label: seconds s, peak KB"
  local label=$1; shift
  /usr/bin/time -f "$label: %e s elapsed, peak %M KB" "$@" >/dev/null 2>"$dir/time.txt" || { cat "$dir/time.txt"; exit 1; }
  tail -n 1 "$dir/time.txt"
}
seconds() { sed -E 's/.*: ([0-9.]+) s elapsed.*/\1/' <<<"$1"; }

rm -rf "$dir/city"
"$xplus" demo --scale city --seed 2016 --out "$dir/city" >/dev/null
echo "city bundle: $(du -sh "$dir/city" | cut -f1), $(cat "$dir"/city/*.csv | wc -l) lines"

: >"$dir/raw.sql"
echo ".mode csv" >>"$dir/raw.sql"
for f in "$dir"/city/*.csv; do echo ".import $f $(basename "$f" .csv)" >>"$dir/raw.sql"; done
rm -f "$dir/raw.db"
raw=$(measure "sqlite3 .import (raw)" sqlite3 "$dir/raw.db" ".read $dir/raw.sql")
echo "$raw"
rm -f "$dir"/city.db*
ours=$(measure "xplus import (city)" "$xplus" --db "sqlite://$dir/city.db" import "$dir/city")
echo "$ours"
awk -v a="$(seconds "$ours")" -v b="$(seconds "$raw")" 'BEGIN { printf "ratio xplus / sqlite3: %.2f (limit 3)\n", a / b }'

if [ -n "$postgres" ]; then
  server=${postgres%/}
  for db in xplus_bench_raw xplus_bench; do
    psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  done
  : >"$dir/raw_pg.sql"
  for f in "$dir"/city/*.csv; do
    t=raw_$(basename "$f" .csv)
    echo "CREATE TABLE $t ($(head -n 1 "$f" | tr -d '\r' | sed 's/,/ text, /g; s/$/ text/'));" >>"$dir/raw_pg.sql"
    echo "\\copy $t FROM '$f' WITH (FORMAT csv, HEADER true)" >>"$dir/raw_pg.sql"
  done
  raw=$(measure "psql copy (raw)" psql -q "$server/xplus_bench_raw" -f "$dir/raw_pg.sql")
  echo "$raw"
  ours=$(measure "xplus import (city, PostgreSQL)" "$xplus" --db "$server/xplus_bench" import "$dir/city")
  echo "$ours"
  awk -v a="$(seconds "$ours")" -v b="$(seconds "$raw")" 'BEGIN { printf "ratio xplus / psql copy: %.2f (limit 3)\n", a / b }'
  for db in xplus_bench_raw xplus_bench; do psql -q "$server/postgres" -c "DROP DATABASE $db"; done
fi

if [ "$province" = 1 ]; then
  rm -rf "$dir/province"
  measure "xplus demo (province)" "$xplus" demo --scale province --seed 2016 --out "$dir/province"
  echo "province bundle: $(du -sh "$dir/province" | cut -f1)"
  rm -f "$dir"/province.db*
  measure "xplus import (province)" "$xplus" --db "sqlite://$dir/province.db" import "$dir/province"
fi
if [ "$national" = 1 ]; then
  rm -rf "$dir/national"
  measure "xplus demo (national)" "$xplus" demo --scale national --seed 2016 --out "$dir/national"
  echo "national bundle: $(du -sh "$dir/national" | cut -f1)"
  rm -rf "$dir/national"
fi
