#!/usr/bin/env python3
"""Rebuild distribution_management/README.rst from the readme/*.md fragments
(the fragments are the source of truth, as in OCA add-ons):

    python3 scripts/gen_readme.py
"""

from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "distribution_management"
BADGE = """.. |badge1| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png
    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html
    :alt: License: LGPL-3

|badge1|
"""


def fragment(name):
    return (ADDON / "readme" / f"{name}.md").read_text(encoding="utf-8").strip()


def section(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body}\n"


def main():
    title = "Distribution Management"
    contributors = fragment("CONTRIBUTORS")
    parts = [
        f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n",
        BADGE,
        fragment("DESCRIPTION") + "\n",
        "**Table of contents**\n\n.. contents::\n   :local:\n",
        section("Configuration", fragment("CONFIGURE")),
        section("Usage", fragment("USAGE")),
        "Credits\n=======\n",
        section("Authors", "- Distribution Management Contributors", "-"),
        section("Contributors", contributors, "-"),
    ]
    (ADDON / "README.rst").write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
