# Shared settings and helpers for the ckanext-satudata scripts. Sourced, not run.
# Every port and path can be overridden from the environment.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${SATUDATA_STATE_DIR:-$ROOT/.state}"
VENV="${SATUDATA_VENV:-$ROOT/.venv}"
PY="${SATUDATA_PYTHON:-python3}"

PG_PORT="${SATUDATA_PG_PORT:-5433}"
PG_CLUSTER="${SATUDATA_PG_CLUSTER:-satudata}"
REDIS_PORT="${SATUDATA_REDIS_PORT:-6380}"
SOLR_PORT="${SATUDATA_SOLR_PORT:-8983}"
CKAN_PORT="${SATUDATA_CKAN_PORT:-5000}"
SMTP_PORT="${SATUDATA_SMTP_PORT:-8025}"

DB_USER="${SATUDATA_DB_USER:-ckan_default}"
DB_PASS="${SATUDATA_DB_PASS:-ckan_default}"
DB_NAME="${SATUDATA_DB_NAME:-ckan_satudata}"
TEST_DB_NAME="${SATUDATA_TEST_DB_NAME:-ckan_satudata_test}"
# CKAN's DataStore: a database of its own beside each CKAN database
# (<database>_datastore), written by the CKAN user and read by a read-only one
DS_RO_USER="${SATUDATA_DATASTORE_RO_USER:-datastore_default}"
DS_RO_PASS="${SATUDATA_DATASTORE_RO_PASS:-datastore_default}"

SOLR_HOME="$STATE/solr-home"
LOGS="$STATE/logs"

log() { printf '\033[1m[satudata]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[satudata] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# True when something already accepts TCP connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for DESCRIPTION SECONDS COMMAND...: retry COMMAND once a second.
wait_for() {
  local what="$1" secs="$2"; shift 2
  local i
  for ((i = 0; i < secs; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  return 1
}

# The number of gunicorn workers of scripts/web.sh: SATUDATA_WEB_WORKERS, or
# 2 per CPU core, at most 8 (each holds a whole CKAN, ~130 MB).
web_workers() {
  local cores; cores=$(nproc)
  echo "${SATUDATA_WEB_WORKERS:-$((2 * cores > 8 ? 8 : 2 * cores))}"
}

pg_major() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

db_url() { echo "postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$1"; }
datastore_db() { echo "${1}_datastore"; }
datastore_write_url() { db_url "$(datastore_db "$1")"; }
datastore_read_url() { echo "postgresql://$DS_RO_USER:$DS_RO_PASS@127.0.0.1:$PG_PORT/$(datastore_db "$1")"; }

# The DataStore URLs of the CKAN database $1 (CKAN reads them from these
# variables before its ini files).
export_datastore_env() {
  CKAN_DATASTORE_WRITE_URL="$(datastore_write_url "$1")"
  CKAN_DATASTORE_READ_URL="$(datastore_read_url "$1")"
  export CKAN_DATASTORE_WRITE_URL CKAN_DATASTORE_READ_URL
}

# The URLs CKAN reads from the environment (CKAN_SQLALCHEMY_URL & co. override
# the ini files), so that non-default ports reach both the portal and the tests.
export_ckan_env() {
  export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/ckan"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/${1:-0}"
  export CKAN_SMTP_SERVER="127.0.0.1:$SMTP_PORT"
}
