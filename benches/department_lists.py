#!/usr/bin/env python3
"""Department lists for the crosscheck benchmark (issue 21): about ROWS rows over the seven files
of departments.md, a third of them naming members of the registry (read from its database), the
rest valid numbers of nobody, and one row in a thousand with a bad check digit. Deterministic
(seeded). Usage: department_lists.py SQLITE_DB OUT_DIR ROWS"""
import random
import sqlite3
import sys
from pathlib import Path

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_digit(body):
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def stranger(rng):
    body = "3411%02d19%02d%02d%02d%03d" % (
        rng.randint(1, 99), rng.randint(40, 99), rng.randint(1, 12), rng.randint(1, 28), rng.randint(1, 999))
    return body + check_digit(body)


def main():
    db, out, rows = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(2016)
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM members").fetchone()[0]
    want = min(n, rows // 3)
    # Every k-th member: a spread over the whole province without sorting it at random.
    step = max(1, n // max(1, want))
    members = [r[0] for r in con.execute(
        "SELECT id_number FROM members WHERE rowid % ? = 0 LIMIT ?", (step, want))]
    con.close()
    out.mkdir(parents=True, exist_ok=True)
    shares = {"deaths": 0.08, "payroll": 0.08, "vehicles": 0.2, "businesses": 0.12,
              "properties": 0.2, "medical": 0.22, "assistance": 0.1}
    heads = {
        "deaths": "id_number,name,died_on",
        "payroll": "id_number,name,employer,since",
        "vehicles": "id_number,name,plate,kind,registered_on",
        "businesses": "id_number,name,company,role,capital,registered_on",
        "properties": "id_number,name,location_code,kind,area,registered_on",
        "medical": "id_number,name,year,total_cost,self_paid",
        "assistance": "id_number,name,program,start_date,end_date,amount",
    }
    day = lambda: "%d-%02d-%02d" % (rng.randint(2010, 2017), rng.randint(1, 12), rng.randint(1, 28))
    rest = {
        "deaths": lambda: day(),
        "payroll": lambda: "县财政局,%s" % day(),
        "vehicles": lambda: "皖M%05d,%s,%s" % (rng.randint(0, 99999), rng.choice(["car", "truck", "tractor", "motorcycle"]), day()),
        "businesses": lambda: "某公司%d,%s,%d.%02d,%s" % (rng.randint(1, 9999), rng.choice(["legal_rep", "shareholder"]), rng.randint(1000, 500000), rng.randint(0, 99), day()),
        "properties": lambda: "3411%02d100201,%s,%d.50,%s" % (rng.choice([81, 82, 2]), rng.choice(["residential", "commercial"]), rng.randint(40, 200), day()),
        "medical": lambda: "2016,%d,%d.%02d" % (rng.randint(1000, 90000), rng.randint(100, 20000), rng.randint(0, 99)),
        "assistance": lambda: "%s,%s,,%d" % (rng.choice(["dibao", "tekun", "disability", "education_aid"]), day(), rng.randint(100, 5000)),
    }
    written = 0
    for name, share in shares.items():
        count = int(rows * share)
        with open(out / f"{name}.csv", "w", encoding="utf-8") as f:
            f.write(heads[name] + "\n")
            for i in range(count):
                if i % 1000 == 999:
                    number = stranger(rng)[:17] + "0"
                    number = number if check_digit(number[:17]) != "0" else number[:17] + "1"
                elif rng.random() < 0.34 and members:
                    number = rng.choice(members)
                else:
                    number = stranger(rng)
                f.write(f"{number},某某,{rest[name]()}\n")
                written += 1
    print(f"{written} rows, {len(members)} members named")


if __name__ == "__main__":
    main()
