"""Grid anomaly detection at scale.

Builds ``--grids`` grids (default 500) and ``--products`` products (default
2,000), and ``--weeks`` weeks (default 26) of weekly sales for every grid ×
product: 26 million weekly figures, generated in one SQL ``INSERT ...
generate_series`` into a precomputed weekly table. One series in 250 gets a
planted spike (×4) or drop (×0.2) in the last complete week; the others are
steady with a near-normal noise of 10 %, all above the minimum volume (the
worst case: no series is skipped).

Then times the detection as the nightly job runs it, in batches of 200 grids:
one aggregate per batch reading the baseline and the analysed week, the median
and MAD of every series in Python, the anomalies and the managers' to-dos
created. Only the source of the weekly figures differs from production: the
aggregate reads the precomputed weekly table instead of the sale order lines
(26 million order lines would not fit a benchmark run); its shape, one row per
series with a column per week, is the same.

Everything happens in one transaction, rolled back at the end.

Goal: at most 15 s.

    benchmarks/run.sh grid_anomalies [--grids 500 --products 2000 --weeks 26]
"""

import sys
import time
from datetime import timedelta
from unittest.mock import patch

from _bench import environment, parser, registry, timer

from odoo import Command, fields
from odoo.tools import SQL

TABLE = "dms_bench_anomaly_week"
GOAL = 15.0
BATCH = 200


def build(env, grids, products, weeks, week_start):
    user = env["res.users"].create(
        {"name": "BENCH grid manager", "login": "bench_anomaly_manager"}
    )
    region = env["dms.grid"].create(
        {
            "name": "BENCH region",
            "level": "region",
            "manager_ids": [Command.set(user.ids)],
        }
    )
    cells = env["dms.grid"].create(
        [
            {"name": f"BENCH cell {index:04d}", "parent_id": region.id}
            for index in range(grids)
        ]
    )
    templates = env["product.template"].create(
        [
            {"name": f"BENCH product {index:05d}", "list_price": 10}
            for index in range(products)
        ]
    )
    env.flush_all()
    first_week = week_start - timedelta(weeks=weeks - 1)
    env.cr.execute(
        SQL(
            """
            CREATE UNLOGGED TABLE %(table)s (
                grid_id int, key_id int, week date, qty float8, amount float8,
                planted bool)
            """,
            table=SQL.identifier(TABLE),
        )
    )
    # level per series from 20 to 100, noise of 10 % (a sum of three uniform
    # draws); one series in 500 gets a spike (×4) in the last week, one in
    # 500 a drop (×0.2)
    env.cr.execute(
        SQL(
            """
            INSERT INTO %(table)s
            SELECT g.id, p.id, %(first)s::date + 7 * k,
                   v, v * 10, mod(gn + pn * 3, 250) = 0
              FROM unnest(%(grids)s::int[]) WITH ORDINALITY AS g(id, gn)
        CROSS JOIN unnest(%(products)s::int[]) WITH ORDINALITY AS p(id, pn)
        CROSS JOIN generate_series(0, %(last)s) AS k
        CROSS JOIN LATERAL (
                SELECT round(((20 + mod(gn * 7 + pn * 13, 81))
                       * (1 + 0.2 * (random() + random() + random() - 1.5))
                       * CASE WHEN k = %(last)s AND mod(gn + pn * 3, 500) = 0 THEN 4
                              WHEN k = %(last)s AND mod(gn + pn * 3, 500) = 250 THEN 0.2
                              ELSE 1 END)::numeric, 2)::float8 AS v) AS val
            """,
            table=SQL.identifier(TABLE),
            first=first_week,
            grids=cells.ids,
            products=templates.product_variant_ids.ids,
            last=weeks - 1,
        )
    )
    env.cr.execute(
        SQL(
            "CREATE INDEX ON %s (grid_id, week)",
            SQL.identifier(TABLE),
        )
    )
    env.cr.execute(SQL("ANALYZE %s", SQL.identifier(TABLE)))
    return cells


def weekly_table_query(self, company, grid_ids, week_start, settings):
    """``_series_query`` reading the precomputed weekly table: the same
    columns, weeks oldest first, then the week's quantity and amount, then
    the same week last year (not generated: 0)."""
    weeks = settings["weeks"]
    value = "qty" if settings["measure"] == "qty" else "amount"
    columns = [
        SQL(
            "COALESCE(sum(%s) FILTER (WHERE week = %s), 0)",
            SQL.identifier(value),
            week_start - timedelta(weeks=ago),
        )
        for ago in range(weeks, -1, -1)
    ]
    return SQL(
        """
        SELECT grid_id, key_id, %(columns)s,
               COALESCE(sum(qty) FILTER (WHERE week = %(week)s), 0),
               COALESCE(sum(amount) FILTER (WHERE week = %(week)s), 0),
               0
          FROM %(table)s
         WHERE grid_id = ANY(%(grids)s)
           AND week >= %(start)s AND week <= %(week)s
      GROUP BY 1, 2
        HAVING %(having)s
        """,
        columns=SQL(", ").join(columns),
        week=week_start,
        table=SQL.identifier(TABLE),
        grids=list(grid_ids),
        start=week_start - timedelta(weeks=weeks),
        having=self._series_having(columns[:weeks], columns[weeks], settings),
    )


def main():
    args = parser(__doc__)
    args.add_argument("--grids", type=int, default=500)
    args.add_argument("--products", type=int, default=2_000)
    args.add_argument("--weeks", type=int, default=26)
    options = args.parse_args()
    reg = registry(options)
    # importable once the registry has set the add-ons path up
    from odoo.addons.distribution_management.models.dms_anomaly import (
        last_complete_week,
    )

    results = {}
    with environment(reg) as env:
        week_start = last_complete_week(fields.Date.context_today(env.user))
        with timer("build data", results):
            cells = build(
                env, options.grids, options.products, options.weeks, week_start
            )
        series = options.grids * options.products
        print(
            f"{len(cells)} grids × {options.products} products × {options.weeks} "
            f"weeks: {series * options.weeks} weekly figures, {series} series",
            flush=True,
        )
        env.invalidate_all()
        Anomaly = env["dms.anomaly"]
        create = type(Anomaly)._create_anomalies
        spent = {"create": 0.0}

        def timed_create(self, *args):
            start = time.perf_counter()
            try:
                return create(self, *args)
            finally:
                spent["create"] += time.perf_counter() - start

        with (
            patch.object(type(Anomaly), "_series_query", weekly_table_query),
            patch.object(type(Anomaly), "_create_anomalies", timed_create),
        ):
            with timer("detection", results):
                found = Anomaly
                for start in range(0, len(cells), BATCH):
                    found |= Anomaly._detect(
                        grids=cells[start : start + BATCH], week_start=week_start
                    )
                env.flush_all()
        print(
            f"  of which reading and scoring the series: "
            f"{results['detection'] - spent['create']:.2f} s, creating the "
            f"anomalies and to-dos: {spent['create']:.2f} s",
            flush=True,
        )
        spikes = len(found.filtered(lambda a: a.kind == "spike"))
        activities = env["mail.activity"].search_count(
            [("res_model", "=", "dms.anomaly"), ("res_id", "in", found.ids)]
        )
        print(
            f"{len(found)} anomalies ({spikes} spikes, {len(found) - spikes} drops), "
            f"{activities} to-dos",
            flush=True,
        )
        # the planted series must be found, the steady ones (almost) not
        env.cr.execute(
            SQL(
                """
                SELECT count(*) FILTER (WHERE w.planted),
                       count(*) FILTER (WHERE a.id IS NOT NULL AND w.planted),
                       count(*) FILTER (WHERE a.id IS NOT NULL AND NOT w.planted)
                  FROM %s w
             LEFT JOIN dms_anomaly a
                    ON a.dms_grid_id = w.grid_id AND a.product_id = w.key_id
                   AND a.week_start = w.week AND a.id = ANY(%s)
                 WHERE w.week = %s
                """,
                SQL.identifier(TABLE),
                found.ids,
                week_start,
            )
        )
        planted, caught, noise = env.cr.fetchone()
        print(
            f"planted: {planted}, caught: {caught}, flagged from noise: {noise}",
            flush=True,
        )
        # a planted drop from a small level may meet a baseline whose MAD is
        # large by chance: a few misses are the statistics, more are a bug
        if caught < planted * 0.995:
            print("ERROR: planted anomalies were missed", flush=True)
            return 1
    verdict = "OK" if results["detection"] <= GOAL else "TOO SLOW"
    print(
        f"detection of {series} series: {results['detection']:.2f} s "
        f"(goal <= {GOAL:.0f} s) {verdict}"
    )
    return 0 if results["detection"] <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
