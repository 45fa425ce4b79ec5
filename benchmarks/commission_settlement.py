"""Commission settlement at scale.

Builds ``--lines`` available commission lines (default 100,000) for
``--beneficiaries`` distributors (default 2,000), then times, each in its own
transaction rolled back afterwards:

- the settlement wizard (batches of 500 distributors: lock the lines, one
  settlement and one vendor bill per distributor, mark the lines settled) and
  the posting of its bills;
- Odoo creating and posting the same bills directly, with the same values.

Goal: the settlement takes at most 1.3 times what Odoo alone takes.

    benchmarks/run.sh commission_settlement [--lines 100000 --beneficiaries 2000]
"""

import sys

from _bench import (
    cleanup_ledger_sources,
    environment,
    ledger_sources,
    parser,
    registry,
    timer,
)

from odoo import fields
from odoo.tools import SQL

PREFIX = "BENCH commission "


def build(env, lines, beneficiaries):
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "purchase"), ("company_id", "=", company.id)], limit=1
    )
    expense = env["account.account"].search(
        [("account_type", "=", "expense"), ("company_ids", "in", company.id)],
        limit=1,
    )
    company.write(
        {
            "dms_commission_journal_id": journal.id,
            "dms_commission_expense_account_id": expense.id,
        }
    )
    partners, invoice = ledger_sources(env, PREFIX, lines, beneficiaries)
    today = fields.Date.context_today(env.user)
    env.cr.execute(
        SQL(
            """
            INSERT INTO dms_commission_line
                (beneficiary_id, level, kind, posting, move_id, move_line_id,
                 base_amount, rate, amount, currency_id, company_id, date,
                 available_date, state, create_uid, create_date, write_uid,
                 write_date)
            SELECT partner.id, 1, 'commission', 0, %(move)s, aml.id,
                   100, 8, round((1 + random() * 20)::numeric, 2),
                   %(currency)s, %(company)s, %(today)s, %(today)s, 'available',
                   1, now(), 1, now()
              FROM unnest(%(partners)s::int[]) AS partner(id)
        CROSS JOIN unnest(%(lines)s::int[]) AS aml(id)
            """,
            move=invoice.id,
            currency=company.currency_id.id,
            company=company.id,
            today=today,
            partners=partners.ids,
            lines=invoice.invoice_line_ids.ids,
        )
    )
    return partners, invoice


def cleanup(reg):
    cleanup_ledger_sources(reg, PREFIX)


def main():
    args = parser(__doc__)
    args.add_argument("--lines", type=int, default=100_000)
    args.add_argument("--beneficiaries", type=int, default=2_000)
    options = args.parse_args()
    reg = registry(options)
    cleanup(reg)
    results = {}
    try:
        with environment(reg, commit=True) as env, timer("build data", results):
            partners, __ = build(env, options.lines, options.beneficiaries)
            print(
                f"{options.lines} ledger lines for {len(partners)} distributors",
                flush=True,
            )

        with environment(reg) as env:
            # the totals and values Odoo alone would bill
            env.cr.execute(
                SQL(
                    """
                    SELECT l.company_id, l.currency_id, l.beneficiary_id, sum(amount)
                      FROM dms_commission_line l
                      JOIN res_partner p ON p.id = l.beneficiary_id
                     WHERE p.name LIKE %s AND l.state = 'available'
                  GROUP BY 1, 2, 3 ORDER BY 3
                    """,
                    f"{PREFIX}%",
                )
            )
            groups = env.cr.fetchall()
            today = fields.Date.context_today(env.user)
            Settlement = env["dms.settlement"]
            bill_vals = [
                Settlement._prepare_bill_vals(
                    f"BENCH/{index:05d}", *group[:3], group[3], today
                )
                for index, group in enumerate(groups)
            ]
            # warm-up (caches, first postings), then the measured run
            with env.cr.savepoint(flush=False) as savepoint:
                env["account.move"].create(bill_vals[:20]).action_post()
                env.flush_all()
                savepoint.rollback()
            env.invalidate_all()
            with timer("Odoo: create and post the bills", results):
                bills = env["account.move"].create(bill_vals)
                bills.action_post()
                env.flush_all()

        with environment(reg) as env:
            with timer("settlement wizard and posting its bills", results):
                wizard = env["dms.settlement.wizard"].create({})
                action = wizard.action_settle()
                settlements = env["dms.settlement"].search(action["domain"])
                settlements.move_id.action_post()
                env.flush_all()
            settled = sum(len(s.line_ids) for s in settlements)
            print(f"{len(settlements)} settlements, {settled} lines settled")
            if len(settlements) != len(groups) or settled != options.lines - (
                options.lines % options.beneficiaries
            ):
                print("ERROR: the settlement did not take every line", flush=True)
                return 1
    finally:
        cleanup(reg)

    ratio = (
        results["settlement wizard and posting its bills"]
        / results["Odoo: create and post the bills"]
    )
    verdict = "OK" if ratio <= 1.3 else "TOO SLOW"
    print(f"ratio settlement / Odoo alone: {ratio:.2f} (goal <= 1.30) {verdict}")
    return 0 if ratio <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
