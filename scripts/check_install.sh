#!/usr/bin/env bash
# Install the whole distribution_management family on a fresh database without
# demo data, check that it is usable, uninstall it and check that the database
# still works (no model or column of the family left).
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

require_odoo
ensure_postgres

ADDONS="$(family_addons)"
DB="dms_install_$(date +%Y%m%d%H%M%S)_$$"
STATE="$(mktemp -t dms-install-XXXXXX.json)"
trap 'dropdb -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "${HOME}/.local/share/Odoo/filestore/$DB" "$STATE"' EXIT

template="$(deps_template "$(odoo_dependencies "$ADDONS")" nodemo)"
clone_database "$template" "$DB"
odoo_cmd -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init \
    --log-level=warn --http-port="${TEST_PORT:-8169}" || die "installation without demo data failed"

odoo_shell "$DB" <<'PY' || die "the family is not usable without demo data"
assert env["dms.document.type"].search_count([]) >= 3
PY
export ADDONS UNINSTALL_STATE="$STATE"
PHASE=uninstall odoo_shell "$DB" --log-level=critical < "$REPO_ROOT/scripts/uninstall_check.py" || die "uninstall failed"
PHASE=check odoo_shell "$DB" --log-level=critical < "$REPO_ROOT/scripts/uninstall_check.py" || die "database unusable after uninstall"
echo "install / uninstall check passed"
