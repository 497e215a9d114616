#!/usr/bin/env bash
# The book of record's round trip at city scale (issue 18): the city demo, one village's exit
# procedure for 2016 run through the web pages (proposal, review, notice, an objection and its
# resolution, the town's and — by another person — the county's approval, on the days they
# happened), then assess, dividends and adjust --apply; the export, imported into an empty
# database, must export the same. Needs curl and sqlite3. Usage:
#   cargo build --release && bash benches/exit_round_trip.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
X=${X:-$PWD/target/release/xplus}
D=${1:-${TMPDIR:-/tmp}/xplus-exit-round-trip}; rm -rf $D; mkdir -p $D; cd $D
DB=sqlite://$D/c.db
$X --db $DB demo --scale city >/dev/null
PASSWORD=bench-password-2026
echo "$PASSWORD" | $X --db $DB user add bench-admin --role admin >/dev/null
echo "$PASSWORD" | $X --db $DB user add bench-county --role admin >/dev/null
PORT=18951
$X --db $DB serve --addr 127.0.0.1:$PORT >/dev/null 2>serve.log & S=$!
trap 'kill $S 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null http://127.0.0.1:$PORT/login && break; sleep 0.2; done
JAR=$D/jar
csrf=$(curl -fs -c $JAR -b $JAR http://127.0.0.1:$PORT/login | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -o /dev/null -c $JAR -b $JAR --data-urlencode "name=bench-admin" --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" http://127.0.0.1:$PORT/login
csrf=$(curl -fs -b $JAR http://127.0.0.1:$PORT/exits | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
[ -n "$csrf" ] || csrf=$(curl -fs -b $JAR "http://127.0.0.1:$PORT/households/new" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
post() { curl -s -o post.html -w '%{http_code}' -b $JAR "http://127.0.0.1:$PORT$1" --data-urlencode "_csrf=$csrf" "${@:2}"; }
# A village with households eligible in 2016: try poor villages until a proposal lists some.
for V in $(sqlite3 c.db "select village_code from villages where poor_village = 1 order by village_code limit 40"); do
  code=$(post /exits/$V/2016/propose --data-urlencode "proposed_on=2016-10-08")
  n=$(curl -fs -b $JAR http://127.0.0.1:$PORT/exits/$V/2016 | grep -c 'name="agreed"' || true)
  if [ "$n" -gt 0 ]; then echo "village $V: proposed ($code), $n households"; break; fi
done
agreed=$(curl -fs -b $JAR http://127.0.0.1:$PORT/exits/$V/2016 | grep -o 'name="agreed" value="[^"]*"' | sed 's/.*value="//; s/"$//')
args=(); for h in $agreed; do args+=(--data-urlencode "agreed=$h"); done
echo "review: $(post /exits/$V/2016/review --data-urlencode review_date=2016-10-12 --data-urlencode attendees=35 "${args[@]}")"
echo "notice: $(post /exits/$V/2016/notice --data-urlencode notice_start=2016-10-13)"
first=$(echo "$agreed" | head -1)
echo "object: $(post /exits/$V/2016/object --data-urlencode household_id=$first --data-urlencode raised_on=2016-10-15 --data-urlencode raised_by=村民 --data-urlencode content=收入核实有疑问)"
echo "resolve: $(post /exits/$V/2016/resolve --data-urlencode no=1 --data-urlencode resolution=入户核实收入属实 --data-urlencode upheld=0 --data-urlencode resolved_on=2016-10-18)"
echo "town: $(post /exits/$V/2016/town_approval --data-urlencode approved_on=2016-10-25 --data-urlencode opinion=同意)"
JAR=$D/jar2
csrf=$(curl -fs -c $JAR -b $JAR http://127.0.0.1:$PORT/login | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -o /dev/null -c $JAR -b $JAR --data-urlencode "name=bench-county" --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" http://127.0.0.1:$PORT/login
csrf=$(curl -fs -b $JAR http://127.0.0.1:$PORT/exits/$V/2016 | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
echo "county: $(post /exits/$V/2016/county_approval --data-urlencode approved_on=2016-11-01 --data-urlencode opinion=同意退出)"
echo "batch: $(sqlite3 c.db "select stage, proposed_on, review_date, notice_start, notice_last_day, town_approved_by, town_approved_on, county_approved_by, county_approved_on from exit_batches")"
echo "batch rows: $(sqlite3 c.db "select count(*) from exit_batch_households where village_code = $V") households, $(sqlite3 c.db "select count(*) from exit_objections") objections"
kill $S; wait $S 2>/dev/null || true; trap - EXIT
$X --db $DB assess --year 2016 --out as --apply --by bench >/dev/null
$X --db $DB dividends --year 2016 --out dv.csv --apply >/dev/null
$X --db $DB adjust --year 2016 --out ad.csv --apply >/dev/null
$X --db $DB export exp >/dev/null
echo "export: $(ls exp | wc -l) files, $(cat exp/*.csv | wc -l) lines; exit_batches $(($(wc -l < exp/exit_batches.csv)-1)) rows"
$X --db sqlite://$D/rt.db import exp 2>&1 | tail -1
$X --db sqlite://$D/rt.db export exp2 >/dev/null
diff -rq exp exp2 && echo "round trip after the web exit procedure: identical"
