#!/usr/bin/env bash
# Serves CKAN as in production: gunicorn, several sync workers, on 127.0.0.1.
#   scripts/web.sh INI PORT
# Builds what the workers serve as files first (`ckan satudata build-assets`:
# JavaScript translations, webassets bundles and their gzip copies), then
# replaces itself with the gunicorn master, so that the caller's process is
# the server (Ctrl-C or SIGTERM stop it and its workers). scripts/run.sh and
# the test of the production server (tests/integration/test_web_server.py)
# use it.
#   SATUDATA_WEB_WORKERS  number of workers (default: 2 per CPU core, at most 8)
#   SATUDATA_WEB_THREADS  threads per worker (default 1: gunicorn's sync
#                         workers; more: its gthread workers)
#   SATUDATA_WEB_TIMEOUT  seconds a request may take before its worker is
#                         replaced (default 120)
# Requests are logged to $LOGS/web-access.log with the worker's pid and the
# time taken in microseconds; CKAN's own log goes to stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 2 ] || die "usage: scripts/web.sh INI PORT"
INI="$1" PORT="$2"
[ -f "$INI" ] || die "no CKAN configuration file at $INI"

WORKERS=$(web_workers)
mkdir -p "$LOGS"

"$VENV/bin/ckan" -c "$INI" satudata build-assets >"$LOGS/build-assets.log" 2>&1 \
  || { tail -n 30 "$LOGS/build-assets.log" >&2; die "ckan satudata build-assets failed (see $LOGS/build-assets.log)"; }

export CKAN_INI="$INI"
# --no-control-socket: gunicorn >= 24 opens one at ~/.gunicorn/gunicorn.ctl,
# a path every gunicorn of the machine would share; --limit-request-line:
# gunicorn's most (its default, 4094, answered a long search with a bare
# English "414 Request-URI Too Long")
exec "$VENV/bin/gunicorn" ckanext.satudata.wsgi:application \
  --bind "127.0.0.1:$PORT" \
  --workers "$WORKERS" \
  --threads "${SATUDATA_WEB_THREADS:-1}" \
  --timeout "${SATUDATA_WEB_TIMEOUT:-120}" \
  --graceful-timeout 30 \
  --max-requests 5000 --max-requests-jitter 500 \
  --limit-request-line 8190 \
  --no-control-socket \
  --access-logfile "$LOGS/web-access.log" \
  --access-logformat '%(h)s %(t)s "%(r)s" %(s)s %(B)s pid=%(p)s %(D)sus' \
  --error-logfile -
