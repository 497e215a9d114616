#!/usr/bin/env python3
"""Counts the case report's headline figures (issue 23 item 4) from a demo bundle's CSV files,
to check that `xplus demo --scale city` reproduces them (docs/demo.md lists the figures).

Usage: tools/case_figures.py BUNDLE_DIR [ASSESS_DIR [REPORT_JSON]]
ASSESS_DIR is what `xplus assess --year 2016 --apply --out` wrote: its households.csv lists the
households poor at the start of 2016 with their members, for the persons of those in industry
(rules.md §6, counted here from the bundle as docs/industry.md defines it). REPORT_JSON is
`xplus report --year 2016 --format json`: exits, placed persons and coverage as the report has them.
"""
import calendar
import csv
import json
import os
import sys
from datetime import date, timedelta

Y = 2016
END = f"{Y}-12-31"


def rows(d, name):
    with open(os.path.join(d, name + ".csv"), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    d = sys.argv[1]
    f = {}
    st = rows(d, "stations")
    up = [r for r in st if r["kind"] == "station" and r["upgraded_year"] and int(r["upgraded_year"]) <= Y]
    f["stations"] = len(up)
    f["station_investment"] = sum(float(r["investment"] or 0) for r in up)
    f["learning_households"] = sum(r["kind"] == "learning_household" for r in st)
    f["joint_party_orgs"] = len({r["village_code"] for r in rows(d, "unit_village_pairings")
                                 if r["joint_party_org"] in ("1", "true", "是") and r["joint_party_org_date"] and r["joint_party_org_date"] <= END})
    f["selected_cadres"] = sum(r["role"] in ("first_secretary", "work_team") for r in rows(d, "cadres"))
    f["recalls"] = sum(r["decision_date"] <= END for r in rows(d, "recalls"))
    su = [r for r in rows(d, "startups") if r["start_date"] <= END]
    f["startup_funding"] = sum(float(r["funding"] or 0) for r in su)
    f["startup_bases"] = len({r["base"] for r in su if r["base"]})
    f["startup_households"] = sum(int(r["households_brought"] or 0) for r in su)
    sd = rows(d, "secretary_development")
    f["degree_cadres"] = sum(r["kind"] == "degree" and r["start_date"] <= END for r in sd)
    f["exchange_secretaries"] = sum(r["kind"] == "exchange" and r["start_date"] <= END for r in sd)
    lo = [r for r in rows(d, "loans") if r["start_date"] <= END]
    f["loans"] = len(lo)
    f["loan_amount"] = sum(float(r["amount"]) for r in lo)
    f["chain_orgs"] = sum(r["kind"] in ("base", "association", "cooperative") and (r["established_date"] or "") <= END
                          for r in rows(d, "party_orgs"))
    f["ovop_projects"] = sum((not r["year"]) or int(r["year"]) <= Y for r in rows(d, "ovop_projects"))
    f["specialty_households"] = len({r["household_id"] for r in rows(d, "household_industries")
                                     if r["year"] == str(Y) and r["kind"] in ("crop", "livestock")})
    f["commissioners"] = len(rows(d, "commissioners"))
    f["commissioner_participants"] = sum(int(r["participants"] or 0) for r in rows(d, "commissioner_trainings")
                                         if r["date"].startswith(str(Y)))
    jf = [r for r in rows(d, "job_fairs") if r["date"].startswith(str(Y))]
    f["job_fairs"] = len(jf)
    f["job_posts"] = sum(int(r["posts"]) for r in jf)
    courses = rows(d, "labour_courses")
    f["labour_bases"] = len({r["base"] for r in courses if r["start_date"] <= END})
    running = {r["course_id"]: r["start_date"] for r in courses
               if r["start_date"] <= END and (r["end_date"] or r["start_date"]) >= f"{Y}-01-01"}
    att = [r for r in rows(d, "course_attendance") if r["course_id"] in running]
    f["course_attendance"] = len(att)
    starts = {}
    for r in rows(d, "placements"):
        starts.setdefault(r["id_number"], []).append(r["start_date"])
    f["trained_placed"] = len({r["id_number"] for r in att
                               if any(running[r["course_id"]] <= s <= END for s in starts.get(r["id_number"], []))})
    if len(sys.argv) > 2:
        f["industry_households"], f["industry_persons"] = industry(d, sys.argv[2])
    if len(sys.argv) > 3:
        rep = json.load(open(sys.argv[3], encoding="utf-8"))
        f["report"] = {k: rep.get(k) for k in ("villages", "persons", "coverage", "industry")}
    for k, v in f.items():
        print(f"{k}: {v}")


def add_months(s, m):
    y, mo = s.year + (s.month - 1 + m) // 12, (s.month - 1 + m) % 12 + 1
    return date(y, mo, min(s.day, calendar.monthrange(y, mo)[1]))


def industry(d, assess):
    """Households poor at the start of Y in industry in Y (§6), and their persons."""
    touches = lambda start, end: int(start[:4]) <= Y and (not end or int(end[:4]) >= Y)
    ids = {r["household_id"] for r in rows(d, "org_households") if touches(r["start_date"], r["end_date"])}
    ids |= {r["household_id"] for r in rows(d, "ovop_households") if int(r["join_date"][:4]) <= Y}
    ids |= {r["household_id"] for r in rows(d, "household_industries") if r["year"] == str(Y)}
    running = {r["course_id"] for r in rows(d, "labour_courses")
               if touches(r["start_date"], r["end_date"] or r["start_date"])}
    ids |= {r["household_id"] for r in rows(d, "course_attendance") if r["course_id"] in running}
    for r in rows(d, "placements"):
        s, m = date.fromisoformat(r["start_date"]), int(r["months"])
        e = max(s, add_months(s, m) - timedelta(days=1)) if m else s
        if s.year <= Y <= e.year:
            ids.add(r["household_id"])
    poor = rows(assess, "households")
    return (sum(r["household_id"] in ids for r in poor),
            sum(int(r["members"]) for r in poor if r["household_id"] in ids))


main()
