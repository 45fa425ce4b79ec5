#!/usr/bin/env bash
# Run one benchmark of benchmarks/ against a database with the add-on
# installed without demo data (created on first use, kept for later runs):
#   benchmarks/run.sh commission_settlement [--lines 100000 --beneficiaries 2000]
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/_common.sh"

require_odoo
ensure_postgres

name="${1:?usage: benchmarks/run.sh <benchmark> [options]}"
shift
script="$REPO_ROOT/benchmarks/$name.py"
[ -f "$script" ] || die "No benchmark $name (benchmarks/$name.py)."
DB="${BENCH_DB:-dms_bench}"
if ! psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d "$DB" -tAc "select 1" >/dev/null 2>&1; then
    echo "Creating the benchmark database $DB (the family without demo data)..."
    odoo_cmd -d "$DB" -i "$(family_addons)" --without-demo=all \
        --stop-after-init --log-level=warn
fi
extra=()
if grep -q -- "--plain-db" "$script"; then
    # the same flow without the add-on: a database with its dependencies only
    PLAIN_DB="${DB}_plain"
    if ! psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d "$PLAIN_DB" -tAc "select 1" >/dev/null 2>&1; then
        deps="$(odoo_dependencies "$(family_addons)")"
        echo "Creating the database $PLAIN_DB without the family ($deps)..."
        odoo_cmd -d "$PLAIN_DB" -i "$deps" --without-demo=all --stop-after-init --log-level=warn
    fi
    extra+=(--plain-db "$PLAIN_DB")
fi
exec "$PYTHON" "$script" --db "$DB" --addons-path "$ADDONS_PATH" \
    --db-host "${PGHOST:-/var/run/postgresql}" --db-user "$DB_USER" "${extra[@]}" "$@"
