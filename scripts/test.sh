#!/usr/bin/env bash
# Run the whole distribution_management test suite on a fresh throwaway
# database: at_install and post_install tests, browser tours in headless
# Chromium. Exits non-zero on any failure, error or skipped test, and ends
# with one line "N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

require_odoo
ensure_postgres

# Test tools Odoo needs: Chromium for tours, websocket-client to drive it.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
    && ! command -v google-chrome >/dev/null 2>&1; then
    as_root || die "Chromium is needed for the browser tours: apt-get install chromium"
    echo "Installing Chromium with apt..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
for module in websocket:websocket-client odoo_test_helper:odoo-test-helper xlsxwriter:XlsxWriter; do
    if ! "$PYTHON" -c "import ${module%%:*}" >/dev/null 2>&1; then
        echo "Installing ${module#*:} with pip..."
        "$PYTHON" -m pip install -q "${module#*:}"
    fi
done

ALL="$(family_addons)"
ADDONS="${ADDONS:-$ALL}"
for addon in ${ADDONS//,/ }; do
    [[ ",$ALL," == *",$addon,"* ]] || die "Unknown add-on '$addon' (the add-ons: $ALL)."
done
DB="dms_test_$(date +%Y%m%d%H%M%S)_$$"
LOG="$(mktemp -t dms-test-XXXXXX.log)"
cleanup() {
    dropdb -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "${HOME}/.local/share/Odoo/filestore/$DB"
}
trap cleanup EXIT

extra=()
demo=demo
tags="${TEST_TAGS:-$(echo "/$ADDONS" | sed 's|,|,/|g')}"
# each add-on reruns the core's click-everywhere with its menus when tested
# alone; the family together needs it once (the core's clicks every menu)
if [ -z "${TEST_TAGS:-}" ] && [ "$ADDONS" = "$ALL" ]; then
    tags="$tags,-dms_click_alone"
fi
# WITHOUT_DEMO=all installs without demo data (the default installs it) and
# leaves out the tests that read the demo data (tag dms_demo)
if [ -n "${WITHOUT_DEMO:-}" ]; then
    extra+=(--without-demo="$WITHOUT_DEMO")
    demo=nodemo
    [ -n "${TEST_TAGS:-}" ] || tags="$tags,-dms_demo"
fi

# a fresh database holding only the Odoo modules the add-ons depend on (built
# once, then copied), then the add-ons with their tests
template="$(deps_template "$(odoo_dependencies "$ADDONS")" "$demo")"
clone_database "$template" "$DB"
echo "Running the tests of $ADDONS on database $DB (log: $LOG)..."
set +e
odoo_cmd -d "$DB" -i "$ADDONS" --test-enable \
    --test-tags "$tags" \
    --stop-after-init --log-level=test --http-port="${TEST_PORT:-8169}" \
    "${extra[@]}" 2>&1 | tee "$LOG" | grep -E \
    "(ERROR|CRITICAL|FAIL|Traceback|skipped|tests when loading|post-tests in|Starting post tests)" \
    | grep -v "^\s*$"
rc=${PIPESTATUS[0]}
set -e

summary="$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOG" | tail -n 1 || true)"
failed=0
errors=0
total=0
if [[ "$summary" =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
    failed="${BASH_REMATCH[1]}"
    errors="${BASH_REMATCH[2]}"
    total="${BASH_REMATCH[3]}"
fi
skipped="$(grep -cE "INFO [^ ]+ odoo\.[^ ]*: skipped " "$LOG" || true)"
# Odoo counts each failing subTest: count failing tests once each
broken="$(grep -oE " (FAIL|ERROR): [A-Za-z0-9_.]+( \([A-Za-z0-9_.]+\))?" "$LOG" | sort -u | wc -l || true)"
if [ "$broken" = "0" ] && [ $((failed + errors)) -gt 0 ]; then
    broken=$((failed + errors))
fi
bad=$((broken + skipped))
passed=$((total - bad))
[ "$passed" -ge 0 ] || passed=0

status=0
if [ -z "$summary" ]; then
    echo "No test summary found: the add-on did not install or the tests did not run (see $LOG)." >&2
    status=1
    bad=$((bad > 0 ? bad : 1))
elif [ "$total" = "0" ]; then
    echo "No test ran." >&2
    status=1
fi
if [ "$skipped" != "0" ]; then
    echo "$skipped test(s) were skipped (a skipped browser tour counts as a failure)." >&2
    status=1
fi
[ "$rc" = "0" ] || status=1
[ "$bad" = "0" ] || status=1
# UNINSTALL=1: then uninstall the add-ons and check the database still works
if [ "$status" = "0" ] && [ -n "${UNINSTALL:-}" ]; then
    export ADDONS UNINSTALL_STATE="$LOG.uninstall.json"
    if ! { PHASE=uninstall odoo_shell "$DB" --log-level=critical < "$REPO_ROOT/scripts/uninstall_check.py" &&
        PHASE=check odoo_shell "$DB" --log-level=critical < "$REPO_ROOT/scripts/uninstall_check.py"; }; then
        echo "Uninstalling $ADDONS failed or left the database unusable." >&2
        status=1
        bad=$((bad + 1))
    fi
fi
echo "$passed passed, $bad failed"
exit "$status"
