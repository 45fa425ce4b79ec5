#!/usr/bin/env bash
# Upgrade a database of 18.0.1 (the single add-on, with demo data) to the
# family: every record of every dms model is still there afterwards, and the
# capability add-ons are installed. OLD_REF: the commit of 18.0.1.
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

require_odoo
ensure_postgres

OLD_REF="${OLD_REF:-7a2ae11}"  # last commit of the single add-on, 18.0.1.0.0
DB="dms_upgrade_$(date +%Y%m%d%H%M%S)_$$"
OLD="$(mktemp -d -t dms-old-XXXXXX)"
COUNTS="$OLD/counts.json"
trap 'dropdb -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$OLD" "${HOME}/.local/share/Odoo/filestore/$DB"' EXIT

git -C "$REPO_ROOT" archive "$OLD_REF" distribution_management | tar -x -C "$OLD" ||
    die "commit $OLD_REF is not in this repository's history"
deps="$(cd "$OLD" && REPO_ROOT="$OLD" odoo_dependencies distribution_management)"
clone_database "$(deps_template "$deps" demo)" "$DB"
NEW_ADDONS_PATH="$ADDONS_PATH"
ADDONS_PATH="$OLD,$ODOO_ADDONS"
echo "Installing 18.0.1 ($OLD_REF) on $DB..."
odoo_cmd -d "$DB" -i distribution_management --stop-after-init --log-level=warn \
    --http-port="${TEST_PORT:-8169}" || die "installing 18.0.1 failed"
count() {
    COUNTS="$COUNTS" MODE="$1" odoo_shell "$DB" --log-level=critical <<'PY'
import json, os, sys
models = [m for m in env["ir.model"].search([("model", "=like", "dms.%"), ("transient", "=", False)]).mapped("model") if m in env and not env[m]._abstract and env[m]._auto]
counts = {m: env[m].with_context(active_test=False).sudo().search_count([]) for m in models}
counts["res.partner (distributors)"] = env["res.partner"].with_context(active_test=False).search_count([("dms_state", "!=", False)])
if os.environ["MODE"] == "before":
    json.dump(counts, open(os.environ["COUNTS"], "w"))
    print(f"{len(models)} models, {sum(counts.values())} records")
else:
    before = json.load(open(os.environ["COUNTS"]))
    lost = {m: (n, counts.get(m)) for m, n in before.items() if counts.get(m) != n}
    family = env["ir.module.module"].search([("name", "=like", "distribution_management%")])
    not_installed = [m.name for m in family if m.state != "installed"]
    if lost or not_installed:
        print(f"records lost (before, after): {lost}; not installed: {not_installed}", file=sys.stderr)
        sys.exit(1)
    print(f"upgrade kept {sum(before.values())} records of {len(before)} models; installed: {', '.join(sorted(family.mapped('name')))}")
PY
}
count before || die "counting records failed"
ADDONS_PATH="$NEW_ADDONS_PATH"
echo "Upgrading $DB to the family..."
odoo_cmd -d "$DB" -u distribution_management --stop-after-init --log-level=warn \
    --http-port="${TEST_PORT:-8169}" || die "the upgrade failed"
count after || die "the upgrade lost records"
echo "upgrade check passed"
