#!/usr/bin/env bash
# Dashboard under load (issue 7): serves DB with the release build, signs in one account and has
# wrk fetch the dashboard with 20 concurrent connections, printing wrk's latency distribution.
#   bash benches/dashboard_load.sh sqlite://bench-data/province.db [PATH] [SECONDS]
# PATH defaults to /dashboard (the whole registry: the province); SECONDS to 30.
# Needs wrk (Debian package) and curl. Records nothing: it only reads.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:?database URL}
PAGE=${2:-/dashboard}
SECONDS_=${3:-30}
BIN=target/release/xplus
PORT=18931
PASSWORD=bench-password-2026
JAR=$(mktemp)
trap 'kill $SERVER 2>/dev/null || true; rm -f "$JAR"' EXIT

echo "$PASSWORD" | $BIN --db "$DB" user add bench-dashboard --role admin >/dev/null 2>&1 || true
$BIN --db "$DB" serve --addr 127.0.0.1:$PORT >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null http://127.0.0.1:$PORT/login && break; sleep 0.2; done

csrf=$(curl -fs -c "$JAR" -b "$JAR" http://127.0.0.1:$PORT/login | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "name=bench-dashboard" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" http://127.0.0.1:$PORT/login
COOKIE=$(sed 's/^#HttpOnly_//' "$JAR" | awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7}')
# One request first: it folds in any county still marked and reads the roll-ups (the cache is
# empty), so the load measures the page as it is served from then on.
read -r status took < <(curl -s -o /tmp/dashboard.html -w '%{http_code} %{time_total}\n' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$PAGE")
echo "first request (not cached): HTTP $status, $(wc -c </tmp/dashboard.html) bytes, ${took} s"
test "$status" = 200
wrk -t2 -c20 -d"${SECONDS_}s" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$PAGE"
