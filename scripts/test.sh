#!/usr/bin/env bash
# Sets up what the tests need (as scripts/run.sh does, without the demo) and
# runs the whole suite with CKAN's pytest plugin against the real PostgreSQL,
# Solr and Redis. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The suite runs on SATUDATA_TEST_WORKERS processes (pytest-xdist, one per
# CPU core unless told), each with its own database (<test database>_gw<n>)
# and Solr site id (<site id>_gw<n>): the job queues are named after the
# site id, so the workers share the Redis database. SATUDATA_TEST_WORKERS=1
# runs the suite in one process on the test database itself.
WORKERS="${SATUDATA_TEST_WORKERS:-$(nproc)}"
WORKER_DBS=()
if [ "$WORKERS" -gt 1 ]; then
  for ((i = 0; i < WORKERS; i++)); do WORKER_DBS+=("${TEST_DB_NAME}_gw$i"); done
  export SATUDATA_EXTRA_DBS="${SATUDATA_EXTRA_DBS:-} ${WORKER_DBS[*]}"
fi

"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/services.sh" start
# SATUDATA_TEST_DB_NAME, SATUDATA_TEST_REDIS_DB and SATUDATA_TEST_SITE_ID let
# several suites run side by side on one set of services.
export_ckan_env "${SATUDATA_TEST_REDIS_DB:-1}"
export CKAN_SITE_ID="${SATUDATA_TEST_SITE_ID:-satudata_test}"
# No SMTP server answers the suite unless a test starts one (the `smtp`
# fixture): the demo portal's sink (SATUDATA_SMTP_PORT) took a test's
# e-mails when the portal ran, and the same test failed where it did not
export CKAN_SMTP_SERVER="127.0.0.1:1"
export CKAN_INI="$ROOT/test.ini"
# The test databases are thrown away after the run: no TLS handshake on the
# loopback (~6 ms of each new connection) and no wait for the disk at each
# commit (libpq reads both from the environment, in the suite and in the
# servers and commands it starts)
export PGSSLMODE="${PGSSLMODE:-disable}"
export PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=off"
# The suite's processes keep their compiled modules (__pycache__, ignored by
# git): with PYTHONDONTWRITEBYTECODE set, every worker compiled the
# extension and rewrote every test module's assertions again at each run
# (~3 s of CPU per worker)
unset PYTHONDONTWRITEBYTECODE

cd "$ROOT"
# The migrations of every database the suite uses, side by side; skipped for
# a database they already ran on with the same migrations and packages (the
# suite resets each database and runs the migrations again at its first
# test: this step only makes a new database ready for CKAN to start on;
# ~5 s of CPU per database)
migrations_stamp=$(cat "$ROOT"/ckanext/satudata/migration/satudata/versions/*.py \
  "$VENV/.satudata-installed" 2>/dev/null | sha256sum | cut -d' ' -f1)
migrated() {
  [ "$(cat "$STATE/test-db-$1.migrated" 2>/dev/null)" = "$migrations_stamp" ] &&
    [ "$(PGPASSWORD="$DB_PASS" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$1" \
         -tAc "SELECT to_regclass('public.alembic_version') IS NOT NULL" 2>/dev/null)" = t ]
}
pids=()
for db in "$TEST_DB_NAME" "${WORKER_DBS[@]}"; do
  migrated "$db" && continue
  CKAN_SQLALCHEMY_URL="$(db_url "$db")" CKAN_DATASTORE_WRITE_URL="$(datastore_write_url "$db")" \
    CKAN_DATASTORE_READ_URL="$(datastore_read_url "$db")" "$VENV/bin/ckan" -c test.ini db upgrade \
    >/dev/null 2>"$STATE/logs/test-db-$db.log" &
  pids+=("$!:$db")
done
for entry in "${pids[@]}"; do
  wait "${entry%%:*}" || { cat "$STATE/logs/test-db-${entry#*:}.log" >&2
                           die "ckan db upgrade on the test database ${entry#*:} failed"; }
  echo "$migrations_stamp" > "$STATE/test-db-${entry#*:}.migrated"
done
export CKAN_SQLALCHEMY_URL="$(db_url "$TEST_DB_NAME")"
# the DataStore database beside it (a pytest-xdist worker's: tests/conftest.py)
export_datastore_env "$TEST_DB_NAME"

args=("$@")
if [ "$WORKERS" -gt 1 ]; then
  # one module per worker at a time: module- and session-built worlds are reused
  args=(-n "$WORKERS" --dist loadfile "${args[@]}")
fi
log "running the test suite ($WORKERS worker(s))"
exec "$VENV/bin/pytest" "${args[@]}"
