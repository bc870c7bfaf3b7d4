#!/usr/bin/env bash
# Brings the ckanext-satudata portal up on a fresh or warm Debian machine:
# installs what is missing, starts PostgreSQL, Redis and Solr, migrates the
# database, loads the demo data, then serves CKAN on 127.0.0.1 as in
# production (gunicorn with several workers, scripts/web.sh) with a jobs
# worker and a loopback SMTP sink. Ctrl-C stops CKAN and the worker; the
# services keep running (scripts/services.sh stop ends them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/services.sh" start
export_ckan_env 0

INI="$STATE/ckan.ini"
CKAN="$VENV/bin/ckan"
mkdir -p "$STATE/storage" "$LOGS"

port_in_use "$CKAN_PORT" && die "CKAN: port $CKAN_PORT is already in use by another process (set SATUDATA_CKAN_PORT)"
port_in_use "$SMTP_PORT" && die "SMTP sink: port $SMTP_PORT is already in use by another process (set SATUDATA_SMTP_PORT)"

if [ ! -f "$INI" ]; then
  log "writing $INI"
  "$CKAN" generate config "$INI" >/dev/null
fi
"$CKAN" config-tool "$INI" \
  "sqlalchemy.url = $(db_url "$DB_NAME")" \
  "solr_url = $CKAN_SOLR_URL" \
  "ckan.redis.url = $CKAN_REDIS_URL" \
  "ckan.site_url = http://127.0.0.1:$CKAN_PORT" \
  "ckan.site_id = satudata_demo" \
  "ckan.site_title = Portal Satu Data" \
  "ckan.site_description = Data statistik sektoral daerah" \
  "ckan.site_intro_text = Portal Satu Data menyajikan data statistik sektoral yang dihasilkan perangkat daerah (OPD), diverifikasi dan dipublikasikan oleh walidata sesuai Perpres 39/2019 tentang Satu Data Indonesia." \
  "satudata.site_intro_text_en = The One Data portal publishes the sectoral statistics produced by the regional agencies (OPD), verified and published by the walidata under Presidential Regulation 39/2019 on One Data Indonesia." \
  "ckan.storage_path = $STATE/storage" \
  "ckan.uploads_enabled = true" \
  "ckan.max_resource_size = 100" \
  "ckan.upload.admin.types = image" \
  "ckan.upload.admin.mimetypes = image/png image/gif image/jpeg" \
  "ckan.plugins = satudata satudata_datasets scheming_organizations dcat activity datastore xloader datatables_view" \
  "ckan.datastore.write_url = $(datastore_write_url "$DB_NAME")" \
  "ckan.datastore.read_url = $(datastore_read_url "$DB_NAME")" \
  "ckan.views.default_views = datatables_view satudata_chart" \
  "ckan.datastore.sqlsearch.enabled = true" \
  "ckanext.xloader.jobs_db.uri = $(db_url "$DB_NAME")" \
  "scheming.dataset_schemas = ckanext.satudata.schemas:dataset.yaml" \
  "scheming.organization_schemas = ckanext.satudata.schemas:organization.yaml" \
  "scheming.presets = ckanext.scheming:presets.json ckanext.satudata.schemas:presets.yaml" \
  "satudata.walidata_organization = diskominfo" \
  "ckanext.dcat.rdf.profiles = euro_dcat_ap_2 satudata_dcat_ap" \
  "ckan.locale_default = id" \
  "ckan.locales_offered = id en" \
  "ckan.display_timezone = Asia/Jakarta" \
  "ckan.gravatar_default = disabled" \
  "ckan.auth.create_unowned_dataset = false" \
  "ckan.auth.user_create_organizations = false" \
  "ckan.auth.user_create_groups = false" \
  "ckan.auth.public_user_details = false" \
  "ckan.csrf_protection.ignore_extensions = false" \
  "SESSION_COOKIE_DOMAIN = 127.0.0.1" \
  "SESSION_PERMANENT = false" \
  "smtp.server = 127.0.0.1:$SMTP_PORT" \
  "smtp.mail_from = satudata@127.0.0.1" \
  "ckan.devserver.host = 127.0.0.1" \
  "ckan.devserver.port = $CKAN_PORT" >/dev/null
"$CKAN" config-tool "$INI" -s logger_ckanext "level = INFO" >/dev/null

log "migrating the database"
"$CKAN" -c "$INI" db upgrade >/dev/null 2>"$LOGS/db.log" || { cat "$LOGS/db.log" >&2; die "ckan db upgrade failed"; }
"$CKAN" -c "$INI" satudata load-demo
"$CKAN" -c "$INI" search-index rebuild --quiet >/dev/null 2>&1 \
  || die "rebuilding the search index failed (is Solr up? scripts/services.sh status)"

PIDS=()
# stop what was started here and wait until it has stopped (gunicorn lets
# its workers finish the request at hand)
cleanup() {
  trap - EXIT INT TERM
  ((${#PIDS[@]})) || return 0
  kill "${PIDS[@]}" 2>/dev/null || true
  wait "${PIDS[@]}" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Debugging \
  >>"$LOGS/mail.log" 2>&1 &
PIDS+=($!)
# two jobs workers, as in production (README): a long job (a publication
# build, the DataStore load of a large table) leaves the other for e-mails;
# CKAN's worker without its fork per job (jobs.Worker)
for _ in 1 2; do
  "$CKAN" -c "$INI" satudata worker >>"$LOGS/worker.log" 2>&1 &
  PIDS+=($!)
done
# scheduled releases (jadwal rilis): what cron does in production, every minute
# one failed release (exit 1, recorded on the release) must not stop the later ones
( while sleep 60; do "$CKAN" -c "$INI" satudata release-due >>"$LOGS/release.log" 2>&1 || true; done ) &
PIDS+=($!)

# gunicorn in the background and this script waiting for it: a SIGTERM to
# the script then stops the server too (bash runs a trap only once the
# foreground command has ended)
"$ROOT/scripts/web.sh" "$INI" "$CKAN_PORT" &
WEB=$!
PIDS+=("$WEB")
log "portal: http://127.0.0.1:$CKAN_PORT  (gunicorn, $(web_workers) workers; requests: $LOGS/web-access.log, 2 jobs workers: $LOGS/worker.log, e-mail sink: $LOGS/mail.log)"
wait "$WEB"
