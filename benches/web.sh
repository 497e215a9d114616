#!/usr/bin/env bash
# Web benchmark (issue: web application). City-scale demo data in a new SQLite database, the
# release server, 50 concurrent signed-in clients on the household list with a filter, for 30 s
# per URL; prints wrk's latency distribution and the server's resident memory.
# Needs: wrk and curl (apt-get install -y wrk curl). Usage:
#   bash benches/web.sh [--dir /path] [--duration 30s] [--connections 50]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TMPDIR:-/tmp}/xplus-web-bench
duration=30s
connections=50
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift ;;
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$dir"
cargo build --release --quiet
xplus=$PWD/target/release/xplus
db="sqlite://$dir/city.db"
if [ ! -f "$dir/city.db" ]; then
  "$xplus" --db "$db" demo --scale city --seed 2016 >/dev/null
  printf 'bench-password-0001\n' | "$xplus" --db "$db" user add bench --role admin >/dev/null
  printf 'bench-password-0001\n' | "$xplus" --db "$db" user add county --role official --region 341181000000 >/dev/null
fi
port=18181
"$xplus" --db "$db" serve --addr 127.0.0.1:$port >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/login" && break; sleep 0.2; done

sign_in() { # user → the session cookie
  local jar=$dir/jar.txt
  rm -f "$jar"
  local csrf
  csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "name=$1" \
    --data-urlencode "password=bench-password-0001" --data-urlencode "_csrf=$csrf" \
    "http://127.0.0.1:$port/login"
  grep xplus_session "$jar" | awk '{print "xplus_session=" $7}'
}

run() { # label, user, path
  local cookie
  cookie=$(sign_in "$2")
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$3")
  [ "$code" = 200 ] || { echo "$1: $3 answered $code" >&2; exit 1; }
  echo "== $1: $2 GET $3 ($connections clients, $duration)"
  wrk -t2 -c"$connections" -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$3" |
    grep -E 'Latency|50%|90%|99%|Requests/sec|requests in|Non-2xx'
}

run "city admin, poor households" bench "/households?status=poor"
run "city admin, poor households of a county, page 10" bench "/households?region=341181000000&status=poor&page=10"
run "county official, cause filter" county "/households?status=poor&cause=illness"
echo "server resident memory: $(ps -o rss= -p $server) KB"
