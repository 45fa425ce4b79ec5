"""XLSX export of the commission ledger at scale.

Builds ``--lines`` commission ledger lines (default 100,000) for
``--beneficiaries`` distributors (default 1,000) in bulk with SQL, then times
the "Export to Excel" wizard exporting them as the administrator (record rules
apply): SQL read through a server-side cursor in batches, xlsxwriter in
constant-memory mode, the file attached to the wizard. The data are deleted
afterwards.

Goal: at most 60 s and at most 500 MB of peak memory for the process.

    benchmarks/run.sh xlsx_export [--lines 100000 --beneficiaries 1000]
"""

import io
import resource
import sys
import time

import openpyxl
from _bench import (
    cleanup_ledger_sources,
    environment,
    ledger_sources,
    parser,
    registry,
)

from odoo import fields
from odoo.tools import SQL

PREFIX = "BENCH xlsx "
GOAL_SECONDS = 60
GOAL_MB = 500


def peak_mb():
    # kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(env, lines, beneficiaries):
    company = env.company
    partners, invoice = ledger_sources(env, PREFIX, lines, beneficiaries)
    today = fields.Date.context_today(env.user)
    env.cr.execute(
        SQL(
            """
            INSERT INTO dms_commission_line
                (beneficiary_id, distributor_id, customer_id, level, kind,
                 posting, move_id, move_line_id, base_amount, rate, amount,
                 currency_id, company_id, date, available_date, state,
                 create_uid, create_date, write_uid, write_date)
            SELECT partner.id, partner.id, %(customer)s, 1, 'commission', 0,
                   %(move)s, aml.id, 100, 8,
                   round((1 + random() * 20)::numeric, 2),
                   %(currency)s, %(company)s,
                   %(today)s - (random() * 365)::int, %(today)s,
                   (ARRAY['pending', 'earned', 'available', 'settled'])
                       [1 + floor(random() * 4)::int],
                   1, now(), 1, now()
              FROM unnest(%(partners)s::int[]) AS partner(id)
        CROSS JOIN unnest(%(lines)s::int[]) AS aml(id)
            """,
            customer=partners[0].id,
            move=invoice.id,
            currency=company.currency_id.id,
            company=company.id,
            today=today,
            partners=partners.ids,
            lines=invoice.invoice_line_ids.ids,
        )
    )
    # statistics, as autovacuum keeps them on a live database
    env.cr.execute("ANALYZE dms_commission_line")
    return partners, len(invoice.invoice_line_ids) * len(partners)


def cleanup(reg):
    cleanup_ledger_sources(reg, PREFIX)


def main():
    args = parser(__doc__)
    args.add_argument("--lines", type=int, default=100_000)
    args.add_argument("--beneficiaries", type=int, default=1_000)
    options = args.parse_args()
    reg = registry(options)
    with environment(reg) as env:
        kinds = "dms.export.wizard" in env and dict(
            env["dms.export.wizard"]._fields["kind"].selection
        )
        if not kinds or "commission" not in kinds:
            print(
                "ERROR: this database cannot export the commission ledger: it "
                "needs distribution_management_report_commission (installed "
                "with the report and commission add-ons); use a new BENCH_DB.",
                flush=True,
            )
            return 2
    cleanup(reg)
    try:
        with environment(reg, commit=True) as env:
            start = time.perf_counter()
            __, count = build(env, options.lines, options.beneficiaries)
            print(
                f"build data: {count} ledger lines in "
                f"{time.perf_counter() - start:.2f} s",
                flush=True,
            )

        with environment(reg) as env:
            admin = env.ref("base.user_admin")
            wizard = (
                env["dms.export.wizard"]
                .with_user(admin)
                .create(
                    {
                        "kind": "commission",
                        "domain": repr(
                            [("beneficiary_id.name", "=like", f"{PREFIX}%")]
                        ),
                    }
                )
            )
            env.invalidate_all()
            before = peak_mb()
            start = time.perf_counter()
            action = wizard.action_export()
            elapsed = time.perf_counter() - start
            peak = peak_mb()
            attachment = env["ir.attachment"].browse(
                int(action["url"].split("/")[3].split("?")[0])
            )
            size = attachment.file_size
            book = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True)
            rows = sum(1 for __ in book.active.iter_rows(values_only=True)) - 1
            book.close()
            print(f"export: {rows} rows, {size / 1e6:.1f} MB file in {elapsed:.2f} s")
            print(
                f"peak memory of the process: {peak:.0f} MB "
                f"({peak - before:+.0f} MB during the export)"
            )
            if rows != count:
                print(f"ERROR: {rows} rows exported, {count} expected", flush=True)
                return 1
    finally:
        cleanup(reg)

    ok = elapsed <= GOAL_SECONDS and peak <= GOAL_MB
    verdict = "OK" if ok else "TOO SLOW"
    print(
        f"goal <= {GOAL_SECONDS} s and <= {GOAL_MB} MB: "
        f"{elapsed:.2f} s, {peak:.0f} MB {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
