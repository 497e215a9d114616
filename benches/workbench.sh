#!/usr/bin/env bash
# Workbench benchmark (issue 19): demo data of a scale in a new SQLite database, the release
# server, and the time of one request (median of 7, after one warm-up) for each role's workbench
# and the overdue-visit list behind it. Prints "label  median_ms  bytes".
# Needs: curl, sqlite3. Usage:
#   bash benches/workbench.sh [--scale city|province] [--dir /path]
set -euo pipefail
cd "$(dirname "$0")/.."
scale=city
dir=${TMPDIR:-/tmp}/xplus-workbench-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift ;;
    --dir) dir=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$dir"
cargo build --release --quiet -p xplus-cli
xplus=$PWD/target/release/xplus
file="$dir/$scale.db"
db="sqlite://$file"
pw=bench-password-0001
if [ ! -f "$file" ]; then
  "$xplus" --db "$db" demo --scale "$scale" --seed 2016 >/dev/null
  county=$(sqlite3 "$file" "SELECT code FROM regions WHERE level = 'county' ORDER BY code LIMIT 1")
  town=$(sqlite3 "$file" "SELECT code FROM regions WHERE level = 'town' AND parent_code = $county ORDER BY code LIMIT 1")
  cadre=$(sqlite3 "$file" "SELECT cadre_id FROM cadre_household_pairings ORDER BY cadre_id LIMIT 1")
  printf '%s\n' "$pw" | "$xplus" --db "$db" user add bench --role admin >/dev/null
  printf '%s\n' "$pw" | "$xplus" --db "$db" user add county --role official --region "$county" >/dev/null
  printf '%s\n' "$pw" | "$xplus" --db "$db" user add town --role official --region "$town" >/dev/null
  printf '%s\n' "$pw" | "$xplus" --db "$db" user add helper --role helper --cadre "$cadre" >/dev/null
fi
port=18182
"$xplus" --db "$db" serve --addr 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/login" && break; sleep 0.2; done

sign_in() { # user → the session cookie
  local jar=$dir/jar.txt
  rm -f "$jar"
  local csrf
  csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "name=$1" \
    --data-urlencode "password=$pw" --data-urlencode "_csrf=$csrf" \
    "http://127.0.0.1:$port/login"
  grep xplus_session "$jar" | awk '{print "xplus_session=" $7}'
}

time_of() { # label, user, path
  local cookie code
  cookie=$(sign_in "$2")
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$3")
  [ "$code" = 200 ] || { echo "$1: $3 answered $code" >&2; exit 1; }
  local times=() size=0
  for _ in 1 2 3 4 5 6 7; do
    read -r t size < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' -H "Cookie: $cookie" "http://127.0.0.1:$port$3")
    times+=("$t")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p)
  printf '%-44s %8.1f ms %9d B\n' "$1 ($2 GET $3)" "$(echo "$median * 1000" | bc -l)" "$size"
}

echo "== $scale"
time_of "workbench, administrator" bench "/workbench"
time_of "workbench, county official" county "/workbench"
time_of "workbench, town official" town "/workbench"
time_of "workbench, helper" helper "/workbench"
time_of "overdue visits, administrator" bench "/workbench/visits"
time_of "overdue visits, county official" county "/workbench/visits"
time_of "exit batches waiting, administrator" bench "/exits?step=town_approval"
