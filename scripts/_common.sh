# Shared by scripts/demo.sh and scripts/test.sh: checks Odoo, starts PostgreSQL.
# shellcheck shell=bash
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

die() {
    echo "ERROR: $*" >&2
    exit 2
}

as_root() {
    [ "$(id -u)" = "0" ]
}

require_odoo() {
    if ! "$PYTHON" -c "import odoo" >/dev/null 2>&1; then
        cat >&2 <<MSG
ERROR: Odoo is not installed for $PYTHON ('$PYTHON -c "import odoo"' fails).
Install Odoo 18.0 Community first, e.g. from an Odoo 18.0 source checkout:
    pip install -r requirements.txt && pip install -e .
then run this command again.
MSG
        exit 2
    fi
    local version
    version="$("$PYTHON" -c "import odoo.release as r; print(r.version_info[0])")"
    [ "$version" = "18" ] || die "Odoo 18.0 is required; $PYTHON imports Odoo $version."
    ODOO_ADDONS="$("$PYTHON" -c "import odoo.addons, os; print(','.join(p for p in odoo.addons.__path__ if os.path.isdir(p)))")"
    ADDONS_PATH="$REPO_ROOT,$ODOO_ADDONS"
    require_wkhtmltopdf
}

require_wkhtmltopdf() {
    # Odoo prints PDFs (dealer statements, invoices) with wkhtmltopdf
    command -v wkhtmltopdf >/dev/null 2>&1 && return 0
    as_root || die "wkhtmltopdf is needed for PDF reports (statements, invoices): install it (apt-get install wkhtmltopdf) or run this command as root."
    echo "Installing wkhtmltopdf with apt (PDF reports)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wkhtmltopdf fonts-noto-cjk >/dev/null \
        || die "wkhtmltopdf could not be installed: apt-get install wkhtmltopdf"
}

pg_running() {
    pg_isready -q -h "${PGHOST:-/var/run/postgresql}" >/dev/null 2>&1
}

ensure_postgres() {
    if ! pg_running && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        as_root || die "PostgreSQL is not installed: install it (apt-get install postgresql) or run this command as root."
        echo "Installing PostgreSQL with apt..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    if ! pg_running; then
        echo "Starting PostgreSQL..."
        if command -v pg_ctlcluster >/dev/null 2>&1 && command -v pg_lsclusters >/dev/null 2>&1; then
            local line
            line="$(pg_lsclusters -h | head -n 1)"
            [ -n "$line" ] || die "No PostgreSQL cluster exists: create one with pg_createcluster."
            # shellcheck disable=SC2086
            set -- $line
            if as_root; then
                pg_ctlcluster "$1" "$2" start || true
            else
                sudo -n pg_ctlcluster "$1" "$2" start 2>/dev/null || pg_ctlcluster "$1" "$2" start || true
            fi
        elif as_root && command -v service >/dev/null 2>&1; then
            service postgresql start || true
        fi
        for _ in $(seq 1 30); do
            pg_running && break
            sleep 1
        done
        pg_running || die "PostgreSQL could not be started; start it and run this command again."
    fi
    ensure_db_role
}

ensure_db_role() {
    # Odoo refuses to run as the 'postgres' role: use one named after the OS user.
    DB_USER="${DB_USER:-$(id -un)}"
    [ "$DB_USER" != "postgres" ] || die "Run this command as another user than 'postgres'."
    if ! psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d postgres -tAc "select 1" >/dev/null 2>&1; then
        echo "Creating PostgreSQL role $DB_USER..."
        local sql="CREATE ROLE \"$DB_USER\" LOGIN CREATEDB SUPERUSER"
        if as_root; then
            su postgres -c "psql -q -c '$sql'" >/dev/null
        else
            sudo -n -u postgres psql -q -c "$sql" >/dev/null ||
                die "Create a PostgreSQL role for $DB_USER: sudo -u postgres createuser -s $DB_USER"
        fi
    fi
}

odoo_cmd() {
    "$PYTHON" -m odoo --addons-path="$ADDONS_PATH" --db_host="${PGHOST:-/var/run/postgresql}" \
        --db_user="$DB_USER" "$@"
}

# The add-ons of this repository, the core first: "distribution_management,..."
family_addons() {
    "$PYTHON" - "$REPO_ROOT" <<'PY'
import ast, pathlib, sys
root = pathlib.Path(sys.argv[1])
names = []
for manifest in sorted(root.glob("distribution_management*/__manifest__.py")):
    if ast.literal_eval(manifest.read_text("utf-8")).get("installable", True):
        names.append(manifest.parent.name)
names.sort(key=lambda name: (name != "distribution_management", name))
print(",".join(names))
PY
}

# The Odoo (non-repository) modules the given add-ons depend on, transitively:
# "account,mail,..." (sorted)
odoo_dependencies() {
    "$PYTHON" - "$REPO_ROOT" "$1" <<'PY'
import ast, pathlib, sys
root = pathlib.Path(sys.argv[1])
todo, seen, odoo = sys.argv[2].split(","), set(), set()
while todo:
    name = todo.pop()
    if name in seen:
        continue
    seen.add(name)
    manifest = root / name / "__manifest__.py"
    if not manifest.exists():
        odoo.add(name)
        continue
    todo += ast.literal_eval(manifest.read_text("utf-8")).get("depends", [])
print(",".join(sorted(odoo)))
PY
}

# A database holding exactly the given Odoo modules (with or without demo
# data), built once and copied: createdb -T. Prints the template's name.
deps_template() {
    local modules="$1" demo="$2" key name
    key="$(printf '%s|%s|%s' "$modules" "$demo" "$("$PYTHON" -c 'import odoo.release as r; print(r.version)')" | md5sum | cut -c1-10)"
    name="dms_deps_${key}"
    (
        flock 9
        if ! psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d postgres -tAc \
            "select 1 from pg_database where datname = '$name'" | grep -q 1; then
            local extra=()
            [ "$demo" = "demo" ] || extra+=(--without-demo=all)
            echo "Preparing a database with $modules ($demo)..." >&2
            odoo_cmd -d "${name}_build" -i "$modules" "${extra[@]}" --stop-after-init \
                --log-level=warn --http-port="${TEST_PORT:-8169}" >&2 ||
                die "Odoo could not install $modules"
            psql -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -d postgres -qc \
                "ALTER DATABASE \"${name}_build\" RENAME TO \"$name\"" >&2
            local store="${HOME}/.local/share/Odoo/filestore"
            [ ! -d "$store/${name}_build" ] || mv "$store/${name}_build" "$store/$name"
        fi
    ) 9>"/tmp/${name}.lock"
    echo "$name"
}

# Copy a template database (and its filestore) to a new database.
clone_database() {
    local template="$1" db="$2" store="${HOME}/.local/share/Odoo/filestore"
    for _ in 1 2 3 4 5; do
        createdb -h "${PGHOST:-/var/run/postgresql}" -U "$DB_USER" -T "$template" "$db" 2>/dev/null && break
        sleep 2
    done
    [ -d "$store/$template" ] && { rm -rf "${store:?}/$db"; cp -r "$store/$template" "$store/$db"; }
    return 0
}

odoo_shell() {
    local db="$1"
    shift
    "$PYTHON" -m odoo shell --addons-path="$ADDONS_PATH" --db_host="${PGHOST:-/var/run/postgresql}" \
        --db_user="$DB_USER" -d "$db" --log-level=warn --no-http "$@"
}
