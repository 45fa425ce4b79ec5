#!/usr/bin/env python3
"""Rebuild each add-on's README.rst from its readme/*.md fragments (the
fragments are the source of truth, as in OCA add-ons):

    python3 scripts/gen_readme.py                      # every add-on
    python3 scripts/gen_readme.py distribution_management_rebate

The title is the manifest's name; DESCRIPTION.md and CONTRIBUTORS.md are
required, CONFIGURE.md and USAGE.md optional.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE = """.. |badge1| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png
    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html
    :alt: License: LGPL-3

|badge1|
"""


def section(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body}\n"


def build(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text("utf-8"))

    def fragment(name):
        path = addon / "readme" / f"{name}.md"
        return path.read_text(encoding="utf-8").strip() if path.exists() else ""

    title = manifest["name"]
    parts = [
        f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n",
        BADGE,
        fragment("DESCRIPTION") + "\n",
        "**Table of contents**\n\n.. contents::\n   :local:\n",
    ]
    if fragment("CONFIGURE"):
        parts.append(section("Configuration", fragment("CONFIGURE")))
    if fragment("USAGE"):
        parts.append(section("Usage", fragment("USAGE")))
    parts += [
        "Credits\n=======\n",
        section("Authors", f"- {manifest['author']}", "-"),
        section("Contributors", fragment("CONTRIBUTORS"), "-"),
    ]
    (addon / "README.rst").write_text("\n".join(parts), encoding="utf-8")


def main(names):
    addons = (
        [ROOT / name for name in names]
        if names
        else sorted(
            p.parent for p in ROOT.glob("distribution_management*/__manifest__.py")
        )
    )
    for addon in addons:
        build(addon)


if __name__ == "__main__":
    main(sys.argv[1:])
