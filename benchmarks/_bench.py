"""Shared set-up of the benchmarks: open an Odoo registry from the command
line options that benchmarks/run.sh passes."""

import argparse
import contextlib
import time

import odoo
from odoo import Command
from odoo.tools import SQL, config


def parser(description):
    args = argparse.ArgumentParser(description=description)
    args.add_argument("--db", required=True)
    args.add_argument("--addons-path", required=True)
    args.add_argument("--db-host", default="")
    args.add_argument("--db-user", default="")
    return args


def registry(options):
    config.parse_config(
        [
            "-d",
            options.db,
            "--addons-path",
            options.addons_path,
            "--db_host",
            options.db_host,
            "--db_user",
            options.db_user,
            "--log-level",
            "warn",
        ]
    )
    return odoo.modules.registry.Registry(options.db)


@contextlib.contextmanager
def environment(reg, commit=False):
    """A superuser environment in its own transaction, rolled back unless
    ``commit``."""
    with reg.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            yield env
        finally:
            if not commit:
                cr.rollback()


@contextlib.contextmanager
def timer(label, results):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start
    print(f"{label}: {results[label]:.2f} s", flush=True)


def ledger_sources(env, prefix, lines, beneficiaries):
    """Distributors named ``prefix``… and one customer invoice with enough
    lines for ``lines`` ledger lines spread over them (one line per invoice
    line and distributor). Returns (partners, invoice)."""
    partners = env["res.partner"].create(
        [{"name": f"{prefix}{index:05d}"} for index in range(beneficiaries)]
    )
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partners[0].id,
            "invoice_line_ids": [
                Command.create(
                    {"name": f"Sale {index}", "quantity": 1, "price_unit": 100}
                )
                for index in range(max(lines // beneficiaries, 1))
            ],
        }
    )
    env.flush_all()
    return partners, invoice


def cleanup_ledger_sources(reg, prefix):
    """Delete what ``ledger_sources`` built and the ledger lines, bills and
    settlements of those distributors."""
    with environment(reg, commit=True) as env:
        env.cr.execute(
            SQL("SELECT id FROM res_partner WHERE name LIKE %s", f"{prefix}%")
        )
        partner_ids = [row[0] for row in env.cr.fetchall()]
        if not partner_ids:
            return
        env.cr.execute(
            SQL(
                "DELETE FROM dms_commission_line WHERE beneficiary_id = ANY(%s)",
                partner_ids,
            )
        )
        env.cr.execute(
            SQL("DELETE FROM account_move WHERE partner_id = ANY(%s)", partner_ids)
        )
        env.cr.execute(SQL("DELETE FROM res_partner WHERE id = ANY(%s)", partner_ids))
