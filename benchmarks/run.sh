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
    echo "Creating the benchmark database $DB (add-on without demo data)..."
    odoo_cmd -d "$DB" -i distribution_management --without-demo=all \
        --stop-after-init --log-level=warn
fi
exec "$PYTHON" "$script" --db "$DB" --addons-path "$ADDONS_PATH" \
    --db-host "${PGHOST:-/var/run/postgresql}" --db-user "$DB_USER" "$@"
