#!/usr/bin/env bash
# Crosscheck benchmark (issue 21): `xplus crosscheck` of the province demo (SQLite) against
# generated department lists of about ROWS rows (default 1,000,000), in one run: the check
# alone, the check with --apply, and the same lists joined with the members by sqlite3 itself
# (`.import` of the lists and one join per list: the raw tool's floor, without any rule).
# Needs: sqlite3, python3, GNU time. Reuses DIR/province.db when it exists (made with
# `xplus demo --scale province --seed 2016` and `xplus import`, as benches/import.sh --province).
# Usage: bash benches/crosscheck.sh [--dir DIR] [--rows N]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TMPDIR:-/tmp}/xplus-bench
rows=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift ;;
    --rows) rows=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$dir"
cargo build --release --quiet -p xplus-cli
xplus=$PWD/target/release/xplus
measure() { # label, command…  → prints "label: seconds s, peak KB"
  local label=$1; shift
  /usr/bin/time -f "$label: %e s elapsed, peak %M KB" "$@" >"$dir/out.txt" 2>"$dir/time.txt" || { cat "$dir/time.txt"; exit 1; }
  tail -n 1 "$dir/time.txt"
}
if [ ! -f "$dir/province.db" ]; then
  "$xplus" demo --scale province --seed 2016 --out "$dir/province" >/dev/null
  "$xplus" --db "sqlite://$dir/province.db" import "$dir/province" >/dev/null
fi
echo "members: $(sqlite3 "$dir/province.db" 'SELECT count(*) FROM members')"
rm -rf "$dir/departments"
python3 benches/department_lists.py "$dir/province.db" "$dir/departments" "$rows"
cat "$dir"/departments/*.csv | wc -l | xargs echo "department lines (with headers):"

measure "xplus crosscheck (check)" "$xplus" --db "sqlite://$dir/province.db" crosscheck "$dir/departments" \
  --as-of 2016-12-31 --out "$dir/findings.csv" --problems "$dir/problems.csv"
echo "findings: $(($(wc -l <"$dir/findings.csv") - 1)), problem rows: $(($(wc -l <"$dir/problems.csv") - 1))"
cp "$dir/province.db" "$dir/apply.db"
measure "xplus crosscheck --apply" "$xplus" --db "sqlite://$dir/apply.db" crosscheck "$dir/departments" \
  --as-of 2016-12-31 --out "$dir/findings.csv" --apply
measure "xplus crosscheck --apply (again)" "$xplus" --db "sqlite://$dir/apply.db" crosscheck "$dir/departments" \
  --as-of 2016-12-31 --out "$dir/findings.csv" --apply
grep -h "登记\|recorded" "$dir/out.txt" || true
rm -f "$dir/apply.db"*

# The raw tool: sqlite3 imports the lists and joins each with the members by number.
cp "$dir/province.db" "$dir/raw.db"
{
  echo ".mode csv"
  for f in "$dir"/departments/*.csv; do echo ".import $f dept_$(basename "$f" .csv)"; done
  for f in "$dir"/departments/*.csv; do
    echo "SELECT count(*) FROM dept_$(basename "$f" .csv) d JOIN members m ON m.id_number = d.id_number;"
  done
} >"$dir/raw.sql"
measure "sqlite3 .import + join (raw)" sqlite3 "$dir/raw.db" ".read $dir/raw.sql"
rm -f "$dir/raw.db"*
