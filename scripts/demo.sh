#!/usr/bin/env bash
# Start a demo server: a database with the whole distribution_management
# family and its demo data, served on http://localhost:8069 (login admin /
# admin).
# DB (default dms_demo) and PORT (default 8069) may be set in the environment.
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

require_odoo
ensure_postgres

DB="${DB:-dms_demo}"
PORT="${PORT:-8069}"
ADDONS="$(family_addons)"

# Odoo's log, shown as one line per module it loads
progress() {
    awk '/odoo.modules.loading: loading [a-z0-9_]+\// {
            split($0, parts, "loading "); split(parts[2], path, "/")
            if (path[1] != last) { last = path[1]; printf "  loading %s...\n", last; fflush() }
        }
        / (WARNING|ERROR|CRITICAL) / { print; fflush() }'
}

if ! psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    echo "Creating database $DB with $ADDONS and their demo data (a few minutes)..."
    odoo_cmd -d "$DB" -i "$ADDONS" --load-language=zh_CN \
        --stop-after-init --log-level=info --http-port="$PORT" 2>&1 | progress
    [ "${PIPESTATUS[0]}" = "0" ] || die "Creating the demo database failed (see above)."
else
    echo "Updating $ADDONS in database $DB..."
    odoo_cmd -d "$DB" -i "$ADDONS" -u "$ADDONS" --stop-after-init --log-level=info \
        --http-port="$PORT" 2>&1 | progress
    [ "${PIPESTATUS[0]}" = "0" ] || die "Updating the demo database failed (see above)."
fi

cat <<MSG

=====================================================================
 Distribution Management demo: http://localhost:$PORT
 Login: admin   Password: admin      (database: $DB)
 Public application page: http://localhost:$PORT/dms/apply
 Stop with Ctrl+C.
=====================================================================
MSG
exec "$PYTHON" -m odoo --addons-path="$ADDONS_PATH" --db_host="${PGHOST:-/var/run/postgresql}" \
    --db_user="$DB_USER" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT"
