#!/usr/bin/env bash
# Sets up what the tests need (as scripts/run.sh does, without the demo) and
# runs the whole suite with CKAN's pytest plugin against the real PostgreSQL,
# Solr and Redis. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/services.sh" start
# SATUDATA_TEST_DB_NAME, SATUDATA_TEST_REDIS_DB and SATUDATA_TEST_SITE_ID let
# several suites run side by side on one set of services.
export_ckan_env "${SATUDATA_TEST_REDIS_DB:-1}"
export CKAN_SQLALCHEMY_URL="$(db_url "$TEST_DB_NAME")"
export CKAN_SITE_ID="${SATUDATA_TEST_SITE_ID:-satudata_test}"
export CKAN_INI="$ROOT/test.ini"

cd "$ROOT"
"$VENV/bin/ckan" -c test.ini db upgrade >/dev/null 2>"$STATE/logs/test-db.log" \
  || { cat "$STATE/logs/test-db.log" >&2; die "ckan db upgrade on the test database failed"; }
log "running the test suite"
exec "$VENV/bin/pytest" "$@"
