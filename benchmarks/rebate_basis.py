"""Rebate basis at scale.

Builds ``--dealers`` approved dealers (default 5,000) of one tier and
``--lines`` posted customer invoice lines (default 1,000,000, written in bulk
with SQL: ``--lines / --dealers`` lines on one invoice per dealer, a fifth of
them credit notes), then times the basis of a quarterly rebate program for
all its dealers: one aggregate query over the journal items. The rebates of
the period are then computed and stored (timed for information).

Goal: all the bases in at most 10 s. The data is deleted afterwards.

    benchmarks/run.sh rebate_basis [--dealers 5000 --lines 1000000]
"""

import sys

from _bench import environment, parser, registry, timer

from odoo import Command
from odoo.tools import SQL

PREFIX = "BENCH rebate "
GOAL_SECONDS = 10.0
DATE_FROM, DATE_TO = "2020-01-01", "2020-03-31"


def build(env, dealers, lines):
    company = env.company
    tier = env["dms.tier"].create({"name": f"{PREFIX}tier", "code": "BENCHRB"})
    partners = env["res.partner"].create(
        [
            {
                "name": f"{PREFIX}{index:05d}",
                "is_company": True,
                "dms_state": "approved",
                "dms_tier_id": tier.id,
            }
            for index in range(dealers)
        ]
    )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    income = journal.default_account_id
    liability = env["account.account"].search(
        [
            ("account_type", "=", "liability_current"),
            ("company_ids", "in", company.id),
        ],
        limit=1,
    )
    expense = env["account.account"].search(
        [("account_type", "=", "expense"), ("company_ids", "in", company.id)], limit=1
    )
    products = env["product.product"].create(
        [{"name": f"{PREFIX}product {index}"} for index in range(20)]
    )
    program = env["dms.rebate.program"].create(
        {
            "name": f"{PREFIX}program",
            "participant_mode": "tier",
            "tier_ids": [Command.set(tier.ids)],
            "period_type": "quarter",
            "date_start": DATE_FROM,
            "expense_account_id": expense.id,
            "accrual_account_id": liability.id,
            "bracket_ids": [
                Command.create({"threshold": 10000, "rate": 1}),
                Command.create({"threshold": 50000, "rate": 2}),
                Command.create({"threshold": 100000, "rate": 3}),
            ],
        }
    )
    env.flush_all()
    per_dealer = max(lines // dealers, 1)
    currency = company.currency_id.id
    env.cr.execute(
        SQL(
            """
            INSERT INTO account_move
                (journal_id, company_id, currency_id, partner_id,
                 commercial_partner_id, date, invoice_date, state, move_type,
                 auto_post, name, create_uid, create_date, write_uid, write_date)
            SELECT %(journal)s, %(company)s, %(currency)s, partner.id, partner.id,
                   %(date_from)s::date + mod(partner.n, 90)::int, %(date_from)s::date
                   + mod(partner.n, 90)::int, 'posted',
                   CASE WHEN mod(partner.n, 5) = 0 THEN 'out_refund'
                        ELSE 'out_invoice' END,
                   'no', 'BENCH/' || partner.id, 1, now(), 1, now()
              FROM unnest(%(partners)s::int[]) WITH ORDINALITY AS partner(id, n)
            """,
            journal=journal.id,
            company=company.id,
            currency=currency,
            date_from=DATE_FROM,
            partners=partners.ids,
        )
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO account_move_line
                (move_id, journal_id, company_id, partner_id, account_id,
                 currency_id, company_currency_id, parent_state, display_type,
                 date, invoice_date, name, quantity, price_unit, balance,
                 debit, credit, amount_currency, product_id, product_uom_id,
                 create_uid, create_date, write_uid, write_date)
            SELECT move.id, move.journal_id, move.company_id, move.partner_id,
                   %(account)s, move.currency_id, move.currency_id, 'posted',
                   'product', move.date, move.date, 'Bench sale', 10,
                   amounts.price,
                   amounts.sign * amounts.price * 10,
                   GREATEST(amounts.sign * amounts.price * 10, 0),
                   GREATEST(-amounts.sign * amounts.price * 10, 0),
                   amounts.sign * amounts.price * 10,
                   (%(products)s::int[])[1 + mod(line.n, 20)], %(uom)s,
                   1, now(), 1, now()
              FROM account_move move
        CROSS JOIN generate_series(1, %(per_dealer)s) AS line(n)
        CROSS JOIN LATERAL (
                SELECT round((5 + random() * 95)::numeric, 2) AS price,
                       CASE WHEN move.move_type = 'out_refund' THEN 1
                            ELSE -1 END AS sign
              ) AS amounts
             WHERE move.name LIKE %(pattern)s AND move.partner_id = ANY(%(partners)s)
            """,
            account=income.id,
            products=products.ids,
            uom=products[0].uom_id.id,
            per_dealer=per_dealer,
            partners=partners.ids,
            pattern="BENCH/%",
        )
    )
    env.cr.execute("ANALYZE account_move_line")
    env.cr.execute("ANALYZE account_move")
    return program, partners, per_dealer * dealers


def cleanup(reg):
    with environment(reg, commit=True) as env:
        env.cr.execute(
            SQL("SELECT id FROM res_partner WHERE name LIKE %s", f"{PREFIX}%")
        )
        partner_ids = [row[0] for row in env.cr.fetchall()]
        env.cr.execute(
            SQL(
                "SELECT id FROM dms_rebate_program WHERE name->>'en_US' LIKE %s",
                f"{PREFIX}%",
            )
        )
        program_ids = [row[0] for row in env.cr.fetchall()]
        if program_ids:
            env.cr.execute(
                SQL("DELETE FROM dms_rebate WHERE program_id = ANY(%s)", program_ids)
            )
            env.cr.execute(
                SQL("DELETE FROM dms_rebate_program WHERE id = ANY(%s)", program_ids)
            )
        if partner_ids:
            env.cr.execute(
                SQL(
                    "DELETE FROM account_move_line WHERE partner_id = ANY(%s)",
                    partner_ids,
                )
            )
            env.cr.execute(
                SQL("DELETE FROM account_move WHERE partner_id = ANY(%s)", partner_ids)
            )
            env.cr.execute(
                SQL("DELETE FROM res_partner WHERE id = ANY(%s)", partner_ids)
            )
        env.cr.execute(
            SQL(
                """
                DELETE FROM product_product WHERE product_tmpl_id IN (
                    SELECT id FROM product_template WHERE name->>'en_US' LIKE %s)
                """,
                f"{PREFIX}%",
            )
        )
        env.cr.execute(
            SQL(
                "DELETE FROM product_template WHERE name->>'en_US' LIKE %s",
                f"{PREFIX}%",
            )
        )
        env.cr.execute(
            SQL("DELETE FROM dms_tier WHERE name->>'en_US' LIKE %s", f"{PREFIX}%")
        )


def main():
    args = parser(__doc__)
    args.add_argument("--dealers", type=int, default=5_000)
    args.add_argument("--lines", type=int, default=1_000_000)
    options = args.parse_args()
    reg = registry(options)
    cleanup(reg)
    results = {}
    try:
        with environment(reg, commit=True) as env, timer("build data", results):
            __, partners, count = build(env, options.dealers, options.lines)
            print(f"{count} invoice lines for {len(partners)} dealers", flush=True)

        with environment(reg) as env:
            program = env["dms.rebate.program"].search(
                [("name", "=like", f"{PREFIX}%")]
            )
            dealers = program._participants()
            with timer("basis of all dealers (one query)", results):
                bases = program._basis(dealers.ids, DATE_FROM, DATE_TO)
            # the figures must match a plain sum of the journal items
            env.cr.execute(
                SQL(
                    """
                    SELECT -SUM(balance) FROM account_move_line
                     WHERE partner_id = ANY(%s) AND date BETWEEN %s AND %s
                    """,
                    dealers.ids,
                    DATE_FROM,
                    DATE_TO,
                )
            )
            expected = env.cr.fetchone()[0] or 0.0
            total = sum(amount for amount, __ in bases.values())
            if len(bases) != len(partners) or abs(float(expected) - total) > 0.01 * len(
                bases
            ):
                print(f"ERROR: bases {total:.2f} != ledger {expected:.2f}", flush=True)
                return 1
            with timer("rebates of the period computed and stored", results):
                rebates = program._ensure_rebates(
                    *program._period_bounds(program.date_start)
                )
                rebates._refresh_figures()
                env.flush_all()
            earning = len(rebates.filtered("rebate_amount"))
            print(f"{len(rebates)} rebates, {earning} with a rebate", flush=True)
    finally:
        cleanup(reg)

    elapsed = results["basis of all dealers (one query)"]
    verdict = "OK" if elapsed <= GOAL_SECONDS else "TOO SLOW"
    print(f"basis: {elapsed:.2f} s (goal <= {GOAL_SECONDS:.0f} s) {verdict}")
    return 0 if elapsed <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
