"""Queries of invoicing an order and posting the invoice, with the add-on and
without it.

Two databases: ``--db`` with the add-on (an order credited to the seller of
a 3-level chain under a 10 % rule with 100/50/20 shares) and ``--plain-db``
with only the add-on's dependencies (the same order, nothing of ours).
benchmarks/run.sh creates both on first use. For 1, 10 and 50 lines, each
flow runs once to warm the caches, then is counted; everything is rolled
back. Goal (issue: invoicing stays flat in lines): with the add-on, creating
the invoice and posting it costs at most 8 queries more than without it,
posting alone at most 5, at every size.
"""

import _bench

import odoo
from odoo import Command

SIZES = (1, 10, 50)


def _customer(env):
    return env["res.partner"].create(
        {
            "name": "Bench Customer",
            "country_id": env.ref("base.cn").id,
            "state_id": env.ref("base.state_cn_SH").id,
            "city": "Shanghai",
            "zip": "200123",
        }
    )


def _network(env):
    """A 3-level chain and a percent rule; the seller's referral code."""
    env["dms.commission.rule"].search([]).action_archive()
    env["dms.commission.rule"].create(
        {
            "name": "Bench 10 %",
            "rule_type": "percent",
            "rate": 10,
            "level1_share": 100,
            "level2_share": 50,
            "level3_share": 20,
        }
    )
    tier = env["dms.tier"].create({"name": "Bench", "code": "BENCH_T"})
    parent = env["res.partner"]
    for level in (1, 2, 3):
        parent = env["res.partner"].create(
            {
                "name": f"Bench Distributor {level}",
                "is_company": True,
                "dms_state": "approved",
                "dms_tier_id": tier.id,
                "dms_parent_id": parent.id,
                "dms_referral_code": f"BENCH00{level}",
            }
        )
    return parent.dms_referral_code


def _count(env, products, customer, code):
    vals = {
        "partner_id": customer.id,
        "order_line": [
            Command.create({"product_id": p.id, "product_uom_qty": 1, "price_unit": 10})
            for p in products
        ],
    }
    if code:
        vals["dms_referral_code"] = code
    order = env["sale.order"].create(vals)
    order.action_confirm()
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    start = cr.sql_log_count
    invoice = order._create_invoices()
    env.flush_all()
    created = cr.sql_log_count - start
    env.invalidate_all()
    start = cr.sql_log_count
    invoice.action_post()
    env.flush_all()
    posted = cr.sql_log_count - start
    assert invoice.state == "posted"
    return created, posted


def measure(reg):
    results = {}
    with _bench.environment(reg) as env:
        env = env(context=dict(env.context, tracking_disable=False))
        code = _network(env) if "dms.tier" in env else None
        customer = _customer(env)
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench product {i}",
                    "type": "consu",
                    "invoice_policy": "order",
                }
                for i in range(max(SIZES))
            ]
        )
        for size in SIZES:
            _count(env, products[:size], customer, code)  # warm up
            results[size] = _count(env, products[:size], customer, code)
    return results


def main():
    args = _bench.parser(__doc__)
    args.add_argument("--plain-db", required=True)
    options = args.parse_args()
    ours = measure(_bench.registry(options))
    plain = measure(odoo.modules.registry.Registry(options.plain_db))
    ok = True
    print(
        "lines: plain create + post / with the add-on: extra (goal 8), post extra (5)"
    )
    for size in SIZES:
        (pc, pp), (oc, op) = plain[size], ours[size]
        extra, post_extra = (oc + op) - (pc + pp), op - pp
        ok &= extra <= 8 and post_extra <= 5
        print(f"{size:3}: {pc} + {pp} / {oc} + {op}: {extra:+d}, {post_extra:+d}")
    print("goal met" if ok else "goal NOT met")


if __name__ == "__main__":
    main()
