#!/usr/bin/env bash
# Install distribution_management on a fresh database without demo data, check
# that it is usable, uninstall it and check that the database still works.
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

require_odoo
ensure_postgres

DB="dms_install_$(date +%Y%m%d%H%M%S)_$$"
trap 'dropdb -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" --if-exists "$DB" >/dev/null 2>&1 || true' EXIT

odoo_cmd -d "$DB" -i distribution_management --without-demo=all --stop-after-init \
    --log-level=warn || die "installation without demo data failed"

"$PYTHON" -m odoo shell --addons-path="$ADDONS_PATH" --db_host="${PGHOST:-/var/run/postgresql}" \
    --db_user="$DB_USER" -d "$DB" --log-level=warn --no-http <<'PY' || die "uninstall check failed"
module = env["ir.module.module"].search([("name", "=", "distribution_management")])
assert module.state == "installed", module.state
assert env["dms.document.type"].search_count([]) >= 3
module.button_immediate_uninstall()
env.cr.commit()
PY

"$PYTHON" -m odoo shell --addons-path="$ADDONS_PATH" --db_host="${PGHOST:-/var/run/postgresql}" \
    --db_user="$DB_USER" -d "$DB" --log-level=warn --no-http <<'PY' || die "database unusable after uninstall"
import sys
assert env["ir.module.module"].search([("name", "=", "distribution_management")]).state == "uninstalled"
assert "dms.grid" not in env
partner = env["res.partner"].create({"name": "After uninstall", "zip": "200120"})
env["res.partner"].search([]).read(["name"])
env["sale.order"].search([], limit=1)
env.cr.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'res_partner' AND column_name LIKE 'dms_%'")
left = env.cr.fetchone()[0]
if left:
    print(f"{left} dms_ columns left on res_partner", file=sys.stderr)
    sys.exit(1)
print("install / uninstall check passed")
PY
