"""Row locks for claims on money and stock.

A claim reads what is left (a distributor's commission balance, the
returnable quantity of an order) and then takes some of it (a withdrawal, a
settlement bill, a return request). Two claims at once must not both take
the same remainder.

Odoo runs every transaction in REPEATABLE READ: the snapshot is taken by the
first statement of the request (session, user, access checks), long before the
claim. A lock that only makes the second claim wait (an advisory lock, or a
plain ``SELECT ... FOR UPDATE``) does not help: once granted, the second claim
still reads its old snapshot, where the first claim does not exist yet, and
takes the same remainder again.

So every claim *updates* one row that stands for what is claimed (the
distributor's partner row for a balance, the sale order for its quantities),
before reading the remainder. PostgreSQL then orders the claims:

- if another claim holds the row, the second waits for it;
- once the first commits (or if it committed after the second's snapshot was
  taken), the second's update fails with a serialization failure instead of
  reading stale figures.

Odoo's request and RPC layer (``odoo.service.model.retrying``) rolls such a
request back and replays it in a fresh transaction, which sees the first claim
and refuses the second with the usual message. The update rewrites
``write_date`` with its own value: a new row version, nothing changed, and no
key column touched (foreign keys towards the row never wait for it).
"""

from odoo.tools import SQL


def lock_for_claim(records, skip_locked=False):
    """Take the claim lock of ``records`` (see the module docstring), in id
    order so that two multi-record claims cannot deadlock.

    With ``skip_locked``, records held by a claim in progress are left out
    instead of waited for (batch jobs); returns the records locked."""
    if not records:
        return records
    table = SQL.identifier(records._table)
    records.env.cr.execute(
        SQL(
            """
            UPDATE %(table)s AS claimed
               SET write_date = claimed.write_date
              FROM (SELECT id FROM %(table)s
                     WHERE id = ANY(%(ids)s)
                  ORDER BY id
                       FOR NO KEY UPDATE %(skip)s) AS locked
             WHERE claimed.id = locked.id
         RETURNING claimed.id
            """,
            table=table,
            ids=sorted(records._ids),
            skip=SQL("SKIP LOCKED") if skip_locked else SQL(),
        ),
        # a serialization failure is the expected outcome of a lost race
        log_exceptions=False,
    )
    locked_ids = {row[0] for row in records.env.cr.fetchall()}
    return records.filtered(lambda record: record.id in locked_ids)
