#!/usr/bin/env python3
"""Odoo's log of building the demo database, shown as progress.

    odoo ... 2>&1 | python3 scripts/demo_progress.py LOGFILE

Every line goes to LOGFILE; the terminal gets a line per stage and per module
installed, each with the time since the start, and the errors:

    [0:04] creating the database
    [0:17] zh_CN translations: loaded with each module
    [0:21] [ 12/ 78] loading sale_stock
    [6:52] Odoo stopped after 6:52: 79 modules loaded, 3 warnings (full log: LOGFILE)

The numbers are Odoo's: the module's place in the current loading pass (base
alone first, then what the add-ons need, then what installs itself).
"""

import re
import sys
import time

LINE = re.compile(r"^\S+ \S+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): (?P<msg>.*)")
MODULE = re.compile(r"Loading module (?P<name>\w+) \((?P<index>\d+)/(?P<total>\d+)\)")
LANGUAGE = re.compile(r"loading (?:base )?translation file .*for language (\w+)")
STAGES = {
    "init db": "creating the database",
    "updating modules list": "reading the list of modules",
    "Modules loaded.": "modules loaded, finishing",
}


class Progress:
    def __init__(self, out):
        self.out = out
        self.start = time.monotonic()
        self.modules = 0
        self.warnings = 0
        self.languages = set()

    def say(self, text):
        elapsed = int(time.monotonic() - self.start)
        self.out.write(f"  [{elapsed // 60}:{elapsed % 60:02d}] {text}\n")
        self.out.flush()

    def feed(self, line):
        match = LINE.match(line)
        if not match:
            return
        level, msg = match["level"], match["msg"].strip()
        if level == "WARNING":
            self.warnings += 1
        elif level in ("ERROR", "CRITICAL"):
            self.out.write(line)
            self.out.flush()
        elif module := MODULE.match(msg):
            self.modules += 1
            index, total = int(module["index"]), int(module["total"])
            self.say(f"[{index:3d}/{total:3d}] loading {module['name']}")
        elif (language := LANGUAGE.search(msg)) and language[1] not in self.languages:
            self.languages.add(language[1])
            self.say(f"{language[1]} translations: loaded with each module")
        elif msg in STAGES:
            self.say(STAGES[msg])

    def close(self, log_path):
        elapsed = int(time.monotonic() - self.start)
        warnings = f", {self.warnings} warnings" if self.warnings else ""
        self.say(
            f"Odoo stopped after {elapsed // 60}:{elapsed % 60:02d}: {self.modules} "
            f"modules loaded{warnings} (full log: {log_path})"
        )


def main():
    log_path = sys.argv[1]
    progress = Progress(sys.stdout)
    with open(log_path, "w", encoding="utf-8") as log:
        for line in sys.stdin:
            log.write(line)
            log.flush()
            progress.feed(line)
    progress.close(log_path)


if __name__ == "__main__":
    main()
