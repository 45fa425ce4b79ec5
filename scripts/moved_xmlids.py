#!/usr/bin/env python3
"""Write distribution_management/migrations/18.0.2.0.0/moved_xmlids.json: for
each XML id of the single add-on of 18.0.1 (database OLD_DB) that the core no
longer holds, the add-on of the family holding it now (database NEW_DB, the
whole family installed, both with demo data).

    python3 scripts/moved_xmlids.py OLD_DB NEW_DB
"""

import json
import sys
from pathlib import Path

import psycopg2

TARGET = (
    Path(__file__).resolve().parent.parent
    / "distribution_management/migrations/18.0.2.0.0/moved_xmlids.json"
)


def xmlids(db):
    with psycopg2.connect(dbname=db, host="/var/run/postgresql") as conn:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT module, name FROM ir_model_data"
                " WHERE module LIKE 'distribution\\_management%'"
            )
            return cr.fetchall()


def main(old_db, new_db):
    old = {
        name for module, name in xmlids(old_db) if module == "distribution_management"
    }
    new = {}
    for module, name in xmlids(new_db):
        new.setdefault(name, set()).add(module)
    moved, lost = {}, []
    for name in sorted(old):
        modules = new.get(name, set())
        if "distribution_management" in modules:
            continue
        if modules:
            # a model or view the bridges extend too: the capability owns it
            moved[name] = min(modules, key=lambda module: (len(module), module))
        else:
            lost.append((name, sorted(modules)))
    TARGET.write_text(json.dumps(moved, indent=1, sort_keys=True) + "\n")
    print(f"{len(moved)} XML ids moved; {len(lost)} no longer exist:")
    for name, modules in lost:
        print(f"  {name} {modules or ''}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
