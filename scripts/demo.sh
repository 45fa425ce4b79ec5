#!/usr/bin/env bash
# Start a demo server: a database with the whole distribution_management
# family and its demo data, served on http://localhost:8069. While it builds,
# a line per stage and per module installed (the whole log goes to a file);
# once the server answers, the logins of an administrator, a grid manager and
# a portal dealer, each checked by logging in (scripts/demo_check.py).
# DB (default dms_demo), PORT (default 8069) and LOG_DIR (default /tmp) may be
# set in the environment.
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

require_odoo
ensure_postgres

DB="${DB:-dms_demo}"
PORT="${PORT:-8069}"
LOG_DIR="${LOG_DIR:-${TMPDIR:-/tmp}}"
BUILD_LOG="$LOG_DIR/dms-demo-$DB-build.log"
SERVER_LOG="$LOG_DIR/dms-demo-$DB-server.log"
URL="http://localhost:$PORT"
ADDONS="$(family_addons)"

# run Odoo once (install or update), its log shown as progress; on failure
# the end of the log, its path, and a non-zero exit
build() {
    local what="$1"
    shift
    echo "$what (a few minutes; full log: $BUILD_LOG)"
    set +e
    odoo_cmd -d "$DB" "$@" --stop-after-init --log-level=info --http-port="$PORT" 2>&1 |
        "$PYTHON" "$REPO_ROOT/scripts/demo_progress.py" "$BUILD_LOG"
    local status="${PIPESTATUS[0]}"
    set -e
    if [ "$status" != "0" ]; then
        echo "----- last lines of $BUILD_LOG -----" >&2
        tail -n 40 "$BUILD_LOG" >&2
        die "Odoo failed (exit $status) while building database $DB; full log: $BUILD_LOG"
    fi
}

if ! psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    build "Creating database $DB: the $(tr , "\n" <<<"$ADDONS" | wc -l) add-ons of the family, their demo data, Simplified Chinese" \
        -i "$ADDONS" --load-language=zh_CN
else
    build "Updating the family in database $DB" -i "$ADDONS" -u "$ADDONS"
fi

echo "Starting the server on $URL (server log: $SERVER_LOG)..."
"$PYTHON" -m odoo --addons-path="$ADDONS_PATH" --db_host="${PGHOST:-/var/run/postgresql}" \
    --db_user="$DB_USER" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" \
    --logfile="$SERVER_LOG" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
echo "Waiting for the server, then logging in with each demo login..."
if ! logins="$("$PYTHON" "$REPO_ROOT/scripts/demo_check.py" "$URL" "$DB" "$server")"; then
    tail -n 20 "$SERVER_LOG" >&2
    die "The demo logins could not be checked (see above); server log: $SERVER_LOG"
fi

cat <<MSG

=====================================================================
 Distribution Management demo: $URL   (database: $DB)
 Logins (login / password), each just checked by logging in:
$logins
 Public application page: $URL/dms/apply
 Referral link of a demo distributor: $URL/dms/r/SHPD001
 Server log: $SERVER_LOG   Stop with Ctrl+C.
=====================================================================
MSG
wait "$server"
