"""Shared set-up of the benchmarks: open an Odoo registry from the command
line options that benchmarks/run.sh passes."""

import argparse
import contextlib
import time

import odoo
from odoo.tools import config


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
