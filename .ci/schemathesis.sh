#!/usr/bin/env bash
# schemathesis against the JSON API's OpenAPI document (/api/openapi.json), as CI runs it:
# a throwaway SQLite database with the county demo (and the 2016 dividends, so that a
# household's shares answer has payments), an administrator's API token, the server on a free
# loopback port, then every operation with a bounded number of generated cases — writes
# included, so bad bodies must get 4xx. Fails on any server error, schema violation,
# undocumented status code, content type or header. See docs/web.md.
#
# Uses target/debug/xplus (built by `cargo test --workspace`, or `cargo build -p xplus-cli`);
# XPLUS_BIN overrides it. schemathesis is installed, at the version of
# .ci/requirements-schemathesis.txt, into a virtual environment under target/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${XPLUS_BIN:-$root/target/debug/xplus}
examples=${SCHEMATHESIS_EXAMPLES:-20}
test -x "$bin" || { echo "no $bin: build it first (cargo build -p xplus-cli)" >&2; exit 1; }

venv=$root/target/schemathesis-venv
requirements=$root/.ci/requirements-schemathesis.txt
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv"; then
    # Debian's python3 keeps venv in a package of its own.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi

work=$(mktemp -d /tmp/xplus-schemathesis.XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export XPLUS_DB="sqlite://$work/api.db" XPLUS_LANG=en
"$bin" init >/dev/null
"$bin" demo --scale county --seed 7 | tail -n 1
"$bin" dividends --year 2016 --out "$work/dividends.csv" --apply | tail -n 1
head -c 24 /dev/urandom | base64 | "$bin" user add schemathesis --role admin
token=$("$bin" user token schemathesis --label schemathesis | grep -o '[0-9a-f]\{64\}' | head -n 1)

"$bin" serve --addr 127.0.0.1:0 >"$work/server.log" 2>&1 &
server=$!
base=
for _ in $(seq 1 60); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n 1 || true)
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$base" ] || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
echo "server at $base"

# A token that does not work would turn every case into a documented 401 and pass.
api() { curl -fsS -H "Authorization: Bearer $token" "$base$1"; }
api /api/v1/regions >/dev/null

# Real identifiers, so that the operations on one record reach it rather than only 404: a
# household paid a dividend (with shares, pairings and an assessment), its project and village.
python=$venv/bin/python
payment=$(api '/api/v1/records/dividend_payments?limit=1')
household=$("$python" -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["household_id"])' <<<"$payment")
project=$("$python" -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["project_id"])' <<<"$payment")
village=${household%%-*}
cat >"$work/schemathesis.toml" <<TOML
[dictionaries.households]
values = ["$household"]
[dictionaries.projects]
values = ["$project"]
[dictionaries.villages]
values = ["$village"]

[[operations]]
include-path-regex = "^/api/v1/households/"
parameters = { "path.id" = { dictionary = "households", probability = 0.8 } }

[[operations]]
include-path = "/api/v1/projects/{id}"
parameters = { "path.id" = { dictionary = "projects", probability = 0.8 } }

[[operations]]
include-path = "/api/v1/collective/villages/{code}"
parameters = { "path.code" = { dictionary = "villages", probability = 0.8 } }
TOML
echo "records used: household $household, project $project, village $village"

# Run in the scratch folder: schemathesis keeps its example database and reports in the
# working directory. A hard time limit keeps CI bounded whatever the generator does.
run_schemathesis() {
  rm -f "$work/report.json"
  (cd "$work" && timeout 600 "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run \
    "$base/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --max-examples "$examples" --seed 2016 --workers 2 --no-color \
    --report json --report-json-path "$work/report.json")
}
status=0
run_schemathesis || status=$?
# An error of the tool itself (once: CPython's "AST constructor recursion depth mismatch" while
# hypothesis described a filter, in a worker thread) with no failure found and no server error
# is run once more; any failure, server error or second error still fails.
if [ "$status" != 0 ] && [ -s "$work/report.json" ] && ! grep -q 'request failed' "$work/server.log" &&
  "$python" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["errors"] and not r["failures"] else 1)' "$work/report.json"; then
  echo "schemathesis stopped on an error of its own, with no failure found: running it once more"
  status=0
  run_schemathesis || status=$?
fi

# The server logs every internal error it answers ("request failed"), whichever check saw it.
logged=$(grep -c 'request failed' "$work/server.log" || true)
if [ -s "$work/report.json" ]; then
  "$python" - "$work/report.json" "$logged" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
# The report groups failures by kind, each with a count; ST101 is a server error (5xx).
failures = sum(f["count"] for f in r["failures"])
server = sum(f["count"] for f in r["failures"] if f["code"] == "ST101")
for f in r["failures"]:
    print(f"  {f['code']} {f['title']}: {f['count']} ({', '.join(f['operations'])})")
print(
    f"schemathesis {r['schemathesis_version']}: {r['operations']['tested']} operations tested, "
    f"{r['test_cases']['generated']} test cases generated, {failures} failures, "
    f"{len(r['errors'])} errors, {server} server errors "
    f"({sys.argv[2]} logged by the server), {r['running_time']:.0f} s"
)
PY
fi
if [ "$logged" != 0 ]; then
  grep 'request failed' "$work/server.log" | head -n 20 >&2
  status=1
fi
exit "$status"
