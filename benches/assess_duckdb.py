#!/usr/bin/env python3
"""Assessment benchmark (issue: yearly assessment). In one run on this machine:
  1. DuckDB loads households, members and incomes of the city bundle into memory (reported, not
     compared), then evaluates rules.md §3 for year Y in one SQL query, materialised as a table;
  2. `xplus assess --year Y` of the same data, already imported into SQLite, wall clock;
  3. both results are compared household by household, and the times: xplus must be within 3x.
Needs: pip install duckdb; the city bundle and its database:
  target/release/xplus demo --scale city --seed 2016 --out bench-data/city
  target/release/xplus --db sqlite://bench-data/city.db import bench-data/city
Usage: python3 benches/assess_duckdb.py [--bundle DIR] [--db URL] [--year Y] [--xplus PATH]
       [--runs N] [--strict]
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

import duckdb

# rules.md §1 defaults, yuan per person per year; the database could configure others.
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000}
TRUE = {"1", "true", "yes", "y", "是"}

# Booleans arrive as text and are typed here, in the load, because SQLite holds them typed too.
# Money stays DECIMAL(18,2): exact, as fen are in xplus. `bundle.md` allows "1,234.50".
LOAD = """
CREATE TABLE households AS SELECT household_id, village_code,
  identified_year::INT AS identified_year, lower(status) AS status, exit_year::INT AS exit_year,
  {b[food_secure]} AS food_secure, {b[clothing_secure]} AS clothing_secure,
  {b[housing_safe]} AS housing_safe, {b[water_safe]} AS water_safe
FROM read_csv('{dir}/households.csv', header = true, all_varchar = true);
CREATE TABLE members AS SELECT household_id, id_number, lower(schooling) AS schooling,
  {b[medical_insured]} AS medical_insured
FROM read_csv('{dir}/members.csv', header = true, all_varchar = true);
CREATE TABLE incomes AS SELECT household_id, year::INT AS year, {m[wage]} AS wage,
  {m[production]} AS production, {m[property]} AS property, {m[transfer]} AS transfer,
  {m[production_cost]} AS production_cost
FROM read_csv('{dir}/incomes.csv', header = true, all_varchar = true);
"""

# rules.md §3. Age is Y minus the birth year in the ID number; a household without members has
# nobody above the line, and none without an income row for Y either.
ASSESS = """
CREATE OR REPLACE TABLE assessed AS
WITH h AS (
  SELECT * FROM households
  WHERE identified_year <= $year AND (status IN ('poor', 'returned')
    OR (status IN ('exited', 'monitored') AND exit_year >= $year))
), m AS (
  SELECT household_id, count(*) AS members, bool_and(medical_insured) AS insured,
    bool_or(schooling = 'dropout'
      AND $year - substr(id_number, 7, 4)::INT BETWEEN 6 AND 15) AS dropout
  FROM members WHERE household_id IN (SELECT household_id FROM h) GROUP BY household_id
), i AS (
  SELECT household_id, wage + production + property + transfer - production_cost AS net
  FROM incomes WHERE year = $year
), r AS (
  SELECT h.household_id, h.village_code, coalesce(m.members, 0) AS members, i.net,
    concat_ws(';',
      CASE WHEN NOT coalesce(m.members > 0 AND i.net > $line * m.members, false) THEN 'income' END,
      CASE WHEN NOT h.food_secure THEN 'food' END,
      CASE WHEN NOT h.clothing_secure THEN 'clothing' END,
      CASE WHEN coalesce(m.dropout, false) THEN 'education' END,
      CASE WHEN NOT coalesce(m.insured, true) THEN 'medical' END,
      CASE WHEN NOT h.housing_safe THEN 'housing' END,
      CASE WHEN NOT h.water_safe THEN 'water' END) AS failed
  FROM h LEFT JOIN m USING (household_id) LEFT JOIN i USING (household_id)
)
SELECT *, failed = '' AS exit_eligible FROM r
"""


def timed(f, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def load(con, bundle):
    bools = ["food_secure", "clothing_secure", "housing_safe", "water_safe", "medical_insured"]
    money = ["wage", "production", "property", "transfer", "production_cost"]
    truth = ", ".join(f"'{t}'" for t in sorted(TRUE))
    b = {c: f"(lower(trim({c})) IN ({truth}))" for c in bools}
    m = {c: f"coalesce(replace(nullif(trim({c}), ''), ',', '')::DECIMAL(18,2), 0)" for c in money}
    con.execute(LOAD.format(dir=bundle.replace("'", "''"), b=b, m=m))


def fen(yuan):
    return None if yuan.strip() == "" else int(Decimal(yuan.replace(",", "")) * 100)


def read_xplus(path):
    # xplus exports may carry a byte-order mark for Excel; assess writes none today.
    with open(path, newline="", encoding="utf-8-sig") as f:
        return {r["household_id"]: (int(r["members"]), fen(r["net_income"]),
                                    r["exit_eligible"].strip().lower() in TRUE, r["failed"])
                for r in csv.DictReader(f)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", default="bench-data/city")
    p.add_argument("--db", default="sqlite://bench-data/city.db")
    p.add_argument("--year", type=int, default=2016)
    p.add_argument("--xplus", default="target/release/xplus")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--strict", action="store_true", help="exit 1 when xplus takes over 3x DuckDB")
    a = p.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if a.year not in POVERTY_LINE:
        p.error(f"no default poverty line for {a.year}")
    line = Decimal(POVERTY_LINE[a.year])

    con = duckdb.connect()
    start = time.perf_counter()
    load(con, a.bundle)
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"duckdb {duckdb.__version__}, {threads} threads")
    print(f"load (not compared): {time.perf_counter() - start:.2f} s")
    d_best, d_median = timed(lambda: con.execute(ASSESS, {"year": a.year, "line": line}), a.runs)
    rows = con.execute("SELECT household_id, members, net, exit_eligible, failed FROM assessed")
    ours = {h: (n, None if net is None else int(net * 100), ok, failed)
            for h, n, net, ok, failed in rows.fetchall()}

    with tempfile.TemporaryDirectory() as tmp:
        def assess():
            out = os.path.join(tmp, "out")
            subprocess.run([a.xplus, "--db", a.db, "assess", "--year", str(a.year), "--out", out],
                           check=True, stdout=subprocess.DEVNULL)
        x_best, x_median = timed(assess, a.runs)
        theirs = read_xplus(os.path.join(tmp, "out", "households.csv"))

    mismatches = [f"{h} only in {'DuckDB' if h in ours else 'xplus'}"
                  for h in sorted(ours.keys() ^ theirs.keys())]
    fields = ("members", "net fen", "eligible", "failed")
    for h in sorted(ours.keys() & theirs.keys()):
        for name, d, x in zip(fields, ours[h], theirs[h]):
            if d != x:
                mismatches.append(f"{h} {name}: DuckDB {d!r}, xplus {x!r}")
    for m in mismatches[:20]:
        print("MISMATCH", m)

    ratio = x_median / d_median
    print(f"year {a.year}: {len(ours)} households assessed, "
          f"{sum(v[2] for v in ours.values())} exit-eligible")
    print(f"DuckDB SQL: best {d_best:.3f} s, median {d_median:.3f} s ({a.runs} runs)")
    print(f"xplus assess: best {x_best:.3f} s, median {x_median:.3f} s ({a.runs} runs)")
    verdict = "within" if ratio <= 3 else "OVER"
    print(f"ratio xplus / DuckDB (medians): {ratio:.2f} ({verdict} limit 3); "
          f"best/best {x_best / d_best:.2f}")
    if mismatches:
        print(f"{len(mismatches)} mismatches between DuckDB and xplus")
        sys.exit(1)
    if a.strict and ratio > 3:
        sys.exit(1)


if __name__ == "__main__":
    main()
