#!/usr/bin/env bash
# First-page times of the long lists (issue 19): serves DB with BIN, signs in an administrator and
# times each page with curl RUNS times, printing every run and the median (seconds, bytes).
#   bash benches/list_pages.sh target/release/xplus sqlite://bench-data/city.db [RUNS] [MAX_SECONDS]
# MAX_SECONDS (default 120) caps one request (a capped run prints "timeout"). Records nothing: it
# only reads (the account it adds aside).
set -euo pipefail
BIN=${1:?binary}
DB=${2:?database URL}
RUNS=${3:-5}
MAX=${4:-120}
PORT=${PORT:-18941}
PASSWORD=bench-password-2026
JAR=$(mktemp)
trap 'kill $SERVER 2>/dev/null || true; rm -f "$JAR"' EXIT

echo "$PASSWORD" | $BIN --db "$DB" user add bench-lists --role admin >/dev/null 2>&1 || true
$BIN --db "$DB" serve --addr 127.0.0.1:$PORT >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do curl -fs -o /dev/null http://127.0.0.1:$PORT/login && break; sleep 0.2; done
csrf=$(curl -fs -c "$JAR" -b "$JAR" http://127.0.0.1:$PORT/login | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "name=bench-lists" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" http://127.0.0.1:$PORT/login
COOKIE=$(sed 's/^#HttpOnly_//' "$JAR" | awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7}')
# The dashboard once: it folds in any county still marked for a roll-up refresh.
curl -s -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/dashboard"

for page in ${PAGES:-"/visits?year=2016" "/chain?year=2016" "/coverage?year=2016" "/units" "/collective?year=2016" "/industry?year=2016" "/helpers"}; do
  times=()
  for _ in $(seq 1 "$RUNS"); do
    out=$(curl -s -o /dev/null --max-time "$MAX" -w '%{http_code} %{time_total} %{size_download}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$page" || true)
    read -r code took size <<<"$out"
    if [ "$code" != 200 ]; then took=timeout; fi
    echo "$page run: HTTP $code ${took} s ${size} bytes"
    times+=("$took")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$page median: $median s, $size bytes"
done
