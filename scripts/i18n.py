#!/usr/bin/env python3
"""Translations of the family, kept in step with the code.

    python3 scripts/i18n.py export DB [ADDON...]   # .pot + zh_CN.po of each add-on
    python3 scripts/i18n.py check                  # every .po complete and current
    python3 scripts/i18n.py union [REF]            # nothing lost since the split

``export`` writes each add-on's ``i18n/<addon>.pot`` from database ``DB``
(where the add-ons are installed), then merges it into ``i18n/zh_CN.po``:
existing translations are kept, a string that moved from one add-on to
another keeps its translation (every .po of the family, and the files given
in ``DMS_I18N_COMPENDIUM``, are searched), obsolete entries are dropped, and
the strings still untranslated are listed. ``check`` (run by CI) fails when a
.po misses a string of its .pot, has an empty translation, or keeps a string
the .pot no longer has. ``union`` (run by CI) compares the translations of
the single add-on of 18.0.1 (commit ``REF``) with the union of the family's:
it fails when a string translated then is in no .po of the family now, unless
``REWORDED`` names the string that replaced it or ``DROPPED`` lists it.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANG = "zh_CN"
SPLIT_REF = "7a2ae11"  # the last commit of the single add-on, 18.0.1.0.0
# strings of 18.0.1 reworded since, each with the string that replaced it
# (None: dropped, with the reason)
REWORDED = {
    # issue 13: labels that say what the rows and figures are
    "Distributors (any status)": "Distributors, none approved",
    "Uncovered Cells": "Cells without an Active Distributor",
    "Settlements and withdrawals, bills paid": "Bills paid to you",
    "being paid": "To be paid",
    "Unknown export “%(kind)s”: choose the sales analysis, the distributor "
    "rankings or the commission ledger.": "Unknown export “%(kind)s”: choose "
    "one of the exports the form offers.",
}
DROPPED = {
    # the dashboard's link to the announcements: the report add-on does not
    # depend on the announcement add-on (its menu is in the app's menu)
    "Open announcements",
}


def addons():
    names = sorted(
        p.parent.name for p in ROOT.glob("distribution_management*/__manifest__.py")
    )
    return sorted(names, key=lambda name: (name != "distribution_management", name))


def key(entry):
    return (entry.msgctxt or "", entry.msgid)


def compendium():
    known = {}
    files = [ROOT / a / "i18n" / f"{LANG}.po" for a in addons()]
    files += [
        Path(f) for f in os.environ.get("DMS_I18N_COMPENDIUM", "").split(":") if f
    ]
    for path in files:
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
                    known.setdefault(key(entry), entry.msgstr)
                    known.setdefault(("", entry.msgid), entry.msgstr)
    return known


def addons_path():
    if os.environ.get("ADDONS_PATH"):
        return os.environ["ADDONS_PATH"]
    import odoo.addons

    return ",".join([str(ROOT)] + [p for p in odoo.addons.__path__ if os.path.isdir(p)])


def export(db, names):
    known = compendium()
    for name in names:
        i18n = ROOT / name / "i18n"
        i18n.mkdir(exist_ok=True)
        pot = i18n / f"{name}.pot"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "x.pot"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "odoo",
                    f"--addons-path={addons_path()}",
                    f"--db_host={os.environ.get('PGHOST', '/var/run/postgresql')}",
                    f"--db_user={os.environ.get('DB_USER', 'root')}",
                    "-d",
                    db,
                    f"--i18n-export={out}",
                    f"--modules={name}",
                    "--stop-after-init",
                    "--log-level=warn",
                    "--http-port=8199",
                ],
                check=True,
            )
            pot.write_bytes(out.read_bytes())
        po_path = i18n / f"{LANG}.po"
        if po_path.exists():
            subprocess.run(
                [
                    "msgmerge",
                    "-q",
                    "--no-fuzzy-matching",
                    "-U",
                    "--backup=none",
                    str(po_path),
                    str(pot),
                ],
                check=True,
            )
            po = polib.pofile(str(po_path))
        else:
            po = polib.pofile(str(pot))
            po.metadata["Language"] = LANG
            po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
            po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        for entry in [e for e in po if e.obsolete]:
            po.remove(entry)
        missing = []
        for entry in po:
            if not entry.msgstr:
                entry.msgstr = known.get(key(entry)) or known.get(("", entry.msgid), "")
            if not entry.msgstr:
                missing.append(entry.msgid)
        po.save(str(po_path))
        subprocess.run(["msgcat", "-o", str(po_path), str(po_path)], check=True)
        print(f"{name}: {len(po)} strings, {len(missing)} untranslated")
        for msgid in missing:
            print(f"  untranslated: {msgid[:100]!r}")


def check():
    problems = []
    for name in addons():
        i18n = ROOT / name / "i18n"
        pot_path, po_path = i18n / f"{name}.pot", i18n / f"{LANG}.po"
        if not pot_path.exists() or not po_path.exists():
            problems.append(f"{name}: missing {pot_path.name} or {po_path.name}")
            continue
        pot = {key(e) for e in polib.pofile(str(pot_path))}
        po = polib.pofile(str(po_path))
        keys = {key(e) for e in po if not e.obsolete}
        problems += [f"{name}: not in {LANG}.po: {k[1][:80]!r}" for k in pot - keys]
        problems += [
            f"{name}: obsolete in {LANG}.po: {k[1][:80]!r}" for k in keys - pot
        ]
        problems += [
            f"{name}: untranslated: {e.msgid[:80]!r}"
            for e in po
            if not e.obsolete and (not e.msgstr or "fuzzy" in e.flags)
        ]
    print("\n".join(problems) or "translations complete and current")
    return 1 if problems else 0


def union(ref=SPLIT_REF):
    old = subprocess.run(
        [
            "git",
            "-C",
            str(ROOT),
            "show",
            f"{ref}:distribution_management/i18n/{LANG}.po",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    before = {e.msgid for e in polib.pofile(old) if e.msgstr and not e.obsolete}
    after = {}
    for name in addons():
        po_path = ROOT / name / "i18n" / f"{LANG}.po"
        if po_path.exists():
            for entry in polib.pofile(str(po_path)):
                if entry.msgstr and not entry.obsolete:
                    after.setdefault(entry.msgid, name)
    problems = []
    for msgid in sorted(before - set(after) - DROPPED):
        if msgid not in REWORDED:
            problems.append(f"lost since {ref}: {msgid[:100]!r}")
        elif REWORDED[msgid] not in after:
            problems.append(f"reworded and lost: {REWORDED[msgid][:100]!r}")
    print(
        "\n".join(problems)
        or f"{len(before)} strings of {ref} translated in the family's {len(after)}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["export"]:
        export(sys.argv[2], sys.argv[3:] or addons())
    elif sys.argv[1:2] == ["check"]:
        sys.exit(check())
    elif sys.argv[1:2] == ["union"]:
        sys.exit(union(*sys.argv[2:3]))
    else:
        sys.exit(__doc__)
