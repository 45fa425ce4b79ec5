"""Public test helpers for claims on money and stock made at the same moment
(withdrawals, returns, allocations): two requests in two real transactions."""

import threading
import time

from odoo import api
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests.common import TransactionCase


def as_a_request(env, func):
    """Run ``func`` as the web server runs a request: commit, or roll back
    and replay it in a new transaction after a serialization failure (what
    ``odoo.service.model.retrying`` does; it cannot run in a test's thread,
    its registry reset waits for the registry lock the test runner holds)."""
    for __ in range(5):
        try:
            result = func()
            env.flush_all()
            env.cr.commit()
            return result
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            env.cr.rollback()
            env.transaction.clear()
            time.sleep(0.1)
        except Exception:
            env.cr.rollback()
            env.transaction.clear()
            raise
    raise AssertionError("still failing after five tries")


class ClaimRaceCase(TransactionCase):
    """Two claims in two real database transactions, as two requests of the
    web server: both transactions take their snapshot before either claims
    (the web server reads the session and the user first); the first claims
    and keeps its transaction open, the second claims in another thread as
    the web server runs every HTTP and RPC request (``as_a_request``), and
    the first commits once the second waits for it."""

    def _committed_env(self):
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        cr.execute("SET lock_timeout = '20s'")
        return api.Environment(cr, self.env.uid, {})

    def _race(self, claim, second_claim=None):
        """(what the first claim returned, {'result' or 'error': of the
        second}, whether the second waited on the first). ``second_claim``:
        what the second does, when it differs from the first."""
        second_claim = second_claim or claim
        first, second = self._committed_env(), self._committed_env()
        second.cr.execute("SELECT pg_backend_pid()")
        second_pid = second.cr.fetchone()[0]
        for env in (first, second):
            env.cr.execute("SELECT count(*) FROM res_partner")
        first_result = claim(first)
        first.flush_all()
        outcome = {}

        def run():
            try:
                outcome["result"] = as_a_request(second, lambda: second_claim(second))
            except Exception as error:
                outcome["error"] = error

        thread = threading.Thread(target=run)
        thread.start()
        waited = False
        deadline = time.monotonic() + 10
        while thread.is_alive() and time.monotonic() < deadline:
            with self.registry.cursor() as cr:
                cr.execute("SELECT cardinality(pg_blocking_pids(%s))", [second_pid])
                if cr.fetchone()[0]:
                    waited = True
                    break
            time.sleep(0.05)
        first.cr.commit()
        thread.join(60)
        self.assertFalse(thread.is_alive(), "the second claim never finished")
        return first_result, outcome, waited
