#!/usr/bin/env python3
"""Log in to the running demo server with each login that scripts/demo.sh
prints, the way a browser does, and print what each one sees:

    python3 scripts/demo_check.py http://localhost:8069 dms_demo [SERVER_PID]

First waits (up to two minutes) for the server to answer on /web/health,
giving up early if the process SERVER_PID has stopped.

- ``admin`` / ``admin``: the administrator (Settings, every app);
- ``eastmanager`` / ``eastmanager``: 王经理, the East China grid manager, who
  sees only the grids he manages (record rules) and their distributors;
- ``shdealer`` / ``shdealer``: 李敏 of 上海鲜果汇商贸有限公司, a portal user
  whose company is an approved distributor: the Dealer Center at /my/dms.

Prints a line per login; exits 1, saying why, when a login fails or does not
see what it should. Only reads.
"""

import http.cookiejar
import json
import os
import sys
import time
import urllib.error
import urllib.request

ADMIN = ("admin", "admin")
GRID_MANAGER = ("eastmanager", "eastmanager")
DEALER = ("shdealer", "shdealer")


class CheckError(Exception):
    pass


class Session:
    """A browser session: cookies kept, JSON-RPC calls."""

    def __init__(self, url, db):
        self.url, self.db = url.rstrip("/"), db
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)

    def get(self, path):
        """(final path after redirects, page text) of a GET."""
        with self.opener.open(self.url + path, timeout=60) as response:
            final = response.geturl()[len(self.url) :] or "/"
            return final.split("?")[0], response.read().decode("utf-8", "replace")

    def rpc(self, route, params):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        request = urllib.request.Request(
            self.url + route,
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=60) as response:
            answer = json.load(response)
        if "error" in answer:
            data = answer["error"].get("data") or {}
            raise CheckError(data.get("message") or answer["error"].get("message"))
        return answer["result"]

    def login(self, login, password):
        try:
            info = self.rpc(
                "/web/session/authenticate",
                {"db": self.db, "login": login, "password": password},
            )
        except CheckError as error:
            raise CheckError(f"{login} / {password} cannot log in: {error}") from None
        if not info.get("uid"):
            raise CheckError(f"{login} / {password} cannot log in")
        return info

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


def network(session):
    """(top-level grid names, grid count, approved distributor count) that
    the session's user sees."""
    roots = session.call(
        "dms.grid", "search_read", [("parent_id", "=", False)], fields=["name"]
    )
    grids = session.call("dms.grid", "search_count", [])
    distributors = session.call(
        "res.partner", "search_count", [("dms_state", "=", "approved")]
    )
    return [root["name"] for root in roots], grids, distributors


def check(url, db):
    admin = Session(url, db)
    info = admin.login(*ADMIN)
    if not info.get("is_system"):
        raise CheckError("admin is not an administrator")
    all_roots, all_grids, all_distributors = network(admin)
    lines = [
        (
            ADMIN,
            f"{info['name']}, administrator: every app and Settings; "
            f"{all_grids} grids, {all_distributors} distributors",
        )
    ]

    manager = Session(url, db)
    info = manager.login(*GRID_MANAGER)
    roots, grids, distributors = network(manager)
    if not roots or not 0 < distributors < all_distributors or grids >= all_grids:
        raise CheckError(
            f"{GRID_MANAGER[0]} should see some grids and distributors, not all: "
            f"sees {grids} of {all_grids} grids, {distributors} of "
            f"{all_distributors} distributors"
        )
    lines.append(
        (
            GRID_MANAGER,
            f"{info['name']}, grid manager: Distribution limited to "
            f"{', '.join(roots)} ({grids} of {all_grids} grids, "
            f"{distributors} of {all_distributors} distributors)",
        )
    )

    dealer = Session(url, db)
    info = dealer.login(*DEALER)
    path, page = dealer.get("/my/dms")
    company = admin.call("res.users", "read", [info["uid"]], ["commercial_partner_id"])[
        0
    ]["commercial_partner_id"][1]
    if path != "/my/dms" or company not in page:
        raise CheckError(
            f"{DEALER[0]} should open the Dealer Center of {company} at /my/dms, "
            f"got {path}"
        )
    lines.append(
        (
            DEALER,
            f"{info['name']} of {company}, portal dealer: "
            f"the Dealer Center at {url}/my/dms",
        )
    )
    return lines


def wait_for_server(url, pid, seconds=120):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=5):
                return
        except OSError as error:
            if time.monotonic() > deadline:
                raise CheckError(f"the server does not answer on {url}") from error
        if pid:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                raise CheckError("the server stopped") from None
        time.sleep(1)


def main():
    url, db = sys.argv[1], sys.argv[2]
    pid = int(sys.argv[3]) if len(sys.argv) > 3 else None
    try:
        wait_for_server(url, pid)
        lines = check(url, db)
    except (CheckError, urllib.error.URLError, OSError) as error:
        print(f"ERROR: the demo logins do not work: {error}", file=sys.stderr)
        sys.exit(1)
    width = max(len(f"{login} / {password}") for (login, password), _ in lines)
    for (login, password), text in lines:
        print(f" {f'{login} / {password}':<{width}}  {text}")


if __name__ == "__main__":
    main()
