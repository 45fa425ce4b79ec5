#!/usr/bin/env bash
# Start a demo server: a database with distribution_management and its demo
# data, served on http://localhost:8069 (login admin / admin).
# DB (default dms_demo) and PORT (default 8069) may be set in the environment.
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

require_odoo
ensure_postgres

DB="${DB:-dms_demo}"
PORT="${PORT:-8069}"

if ! psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    echo "Creating database $DB with the add-on and its demo data (a few minutes)..."
    odoo_cmd -d "$DB" -i distribution_management --load-language=zh_CN \
        --stop-after-init --log-level=warn
else
    echo "Updating distribution_management in database $DB..."
    odoo_cmd -d "$DB" -u distribution_management --stop-after-init --log-level=warn
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
