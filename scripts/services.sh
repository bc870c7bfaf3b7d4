#!/usr/bin/env bash
# Starts, stops or reports the loopback services ckanext-satudata runs on:
# PostgreSQL (a cluster of its own), Redis and Solr. Each binds 127.0.0.1 only.
#
#   scripts/services.sh start|stop|status
#
# A port taken by something else, or a service that does not come up, stops
# everything with a message naming it and a non-zero exit. Start never stops or
# restarts a running service (a slow one is waited for); stop ends only the
# services this script started (pid files under the state directory) and
# refuses while PostgreSQL or Redis has other clients (SATUDATA_FORCE_STOP=1
# overrides).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }

# --- PostgreSQL -------------------------------------------------------------
pg_status() { pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" '$2 == c {print $3, $4}'; }

start_postgres() {
  local ver; ver=$(pg_major); [ -n "$ver" ] || die "PostgreSQL is not installed (run scripts/bootstrap.sh)"
  if [ -z "$(pg_status)" ]; then
    port_in_use "$PG_PORT" && die "PostgreSQL: port $PG_PORT is already in use by another process (set SATUDATA_PG_PORT)"
    log "creating PostgreSQL $ver cluster '$PG_CLUSTER' on port $PG_PORT"
    pg_createcluster "$ver" "$PG_CLUSTER" -p "$PG_PORT" >/dev/null
  fi
  read -r port status <<<"$(pg_status)"
  local ver_c; ver_c=$(pg_lsclusters -h | awk -v c="$PG_CLUSTER" '$2 == c {print $1}')
  if [ "$port" != "$PG_PORT" ]; then
    # never stop a running cluster to move it: the portal and other suites use it
    [ "$status" = online ] && die "PostgreSQL cluster $ver_c/$PG_CLUSTER runs on port $port, not $PG_PORT; set SATUDATA_PG_PORT=$port (moving it would stop it under everyone using it)"
    pg_conftool "$ver_c" "$PG_CLUSTER" set port "$PG_PORT"
  fi
  pg_conftool "$ver_c" "$PG_CLUSTER" remove listen_addresses 2>/dev/null || true
  echo "listen_addresses = '127.0.0.1'" > "/etc/postgresql/$ver_c/$PG_CLUSTER/conf.d/satudata.conf"
  if [ "$status" != online ]; then
    port_in_use "$PG_PORT" && die "PostgreSQL: port $PG_PORT is already in use by another process (set SATUDATA_PG_PORT)"
    pg_ctlcluster "$ver_c" "$PG_CLUSTER" start 9>&- || die "PostgreSQL cluster $ver_c/$PG_CLUSTER failed to start (see /var/log/postgresql/)"
  fi
  wait_for "PostgreSQL" 30 as_postgres pg_isready -q -h 127.0.0.1 -p "$PG_PORT" \
    || die "PostgreSQL on port $PG_PORT did not accept connections"
  psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DS_RO_USER') THEN
    CREATE ROLE $DS_RO_USER LOGIN PASSWORD '$DS_RO_PASS' NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END \$\$;
SQL
  local db name
  for db in "$DB_NAME" "$TEST_DB_NAME" "${EXTRA_DBS[@]}"; do
    [ -n "$db" ] || continue
    # each CKAN database and its DataStore database
    for name in "$db" "$(datastore_db "$db")"; do
      if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
        as_postgres createdb -p "$PG_PORT" -O "$DB_USER" -E UTF8 -T template0 "$name"
      fi
    done
  done
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT (databases $DB_NAME, $TEST_DB_NAME)"
}

# The permissions of CKAN's DataStore (`ckan datastore set-permissions`, run
# as the PostgreSQL superuser) on each DataStore database that lacks them:
# the read-only user reads the DataStore and nothing of CKAN's own database.
# Needs CKAN installed (the SQL comes from the installed datastore plugin).
datastore_permissions() {
  local db ds
  for db in "$DB_NAME" "$TEST_DB_NAME" "${EXTRA_DBS[@]}"; do
    [ -n "$db" ] || continue
    ds=$(datastore_db "$db")
    # set-permissions creates the view _table_metadata: done once
    [ -n "$(psql_admin -d "$ds" -tAc "SELECT 1 FROM pg_views WHERE viewname = '_table_metadata'")" ] && continue
    log "DataStore permissions on $ds (ckan datastore set-permissions)"
    CKAN_SQLALCHEMY_URL="$(db_url "$db")" CKAN_DATASTORE_WRITE_URL="$(datastore_write_url "$db")" \
      CKAN_DATASTORE_READ_URL="$(datastore_read_url "$db")" \
      "$VENV/bin/ckan" -c "$ROOT/test.ini" datastore set-permissions 2>"$LOGS/datastore-permissions.log" \
      | psql_admin -d "$ds" >/dev/null \
      || { cat "$LOGS/datastore-permissions.log" >&2; die "ckan datastore set-permissions on $ds failed"; }
  done
}

# clients other than this script: a stop would take the service from under them
pg_clients() {
  psql_admin -tAc "SELECT count(*) FROM pg_stat_activity
                   WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>/dev/null || echo 0
}
redis_clients() {
  # the CLIENT LIST of this redis-cli is one line
  echo $(( $(redis-cli -p "$REDIS_PORT" client list 2>/dev/null | wc -l) - 1 ))
}

refuse_stop_in_use() {
  [ "${SATUDATA_FORCE_STOP:-}" = 1 ] && return
  local pg=0 redis=0
  [ -n "$(pg_status)" ] && pg=$(pg_clients)
  redis_ours && redis=$(redis_clients)
  if [ "${pg:-0}" -gt 0 ] || [ "${redis:-0}" -gt 0 ]; then
    die "not stopping: in use by $pg PostgreSQL and $redis Redis connection(s) (a running portal, jobs worker or test suite); stop those first, or SATUDATA_FORCE_STOP=1"
  fi
}

stop_postgres() {
  local ver_c; ver_c=$(pg_lsclusters -h 2>/dev/null | awk -v c="$PG_CLUSTER" '$2 == c {print $1}')
  [ -n "$ver_c" ] && pg_ctlcluster "$ver_c" "$PG_CLUSTER" stop 2>/dev/null || true
}

# --- Redis ------------------------------------------------------------------
redis_ours() { [ -f "$STATE/redis/redis.pid" ] && kill -0 "$(cat "$STATE/redis/redis.pid")" 2>/dev/null; }

start_redis() {
  if redis_ours; then
    # ours and running, perhaps busy: wait for it, never restart it from here
    wait_for "Redis" 30 sh -c "redis-cli -p $REDIS_PORT ping | grep -q PONG" \
      || die "Redis (pid $(cat "$STATE/redis/redis.pid")) runs but has not answered PING for 30 s; see $LOGS/redis.log"
    log "Redis already running on 127.0.0.1:$REDIS_PORT"; return
  fi
  command -v redis-server >/dev/null || die "redis-server is not installed (run scripts/bootstrap.sh)"
  port_in_use "$REDIS_PORT" && die "Redis: port $REDIS_PORT is already in use by another process (set SATUDATA_REDIS_PORT)"
  mkdir -p "$STATE/redis" "$LOGS"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --dir "$STATE/redis" --pidfile "$STATE/redis/redis.pid" \
    --logfile "$LOGS/redis.log" --save "" --appendonly no 9>&- \
    || die "Redis failed to start (see $LOGS/redis.log)"
  wait_for "Redis" 20 sh -c "redis-cli -p $REDIS_PORT ping | grep -q PONG" \
    || die "Redis on port $REDIS_PORT did not answer PING (see $LOGS/redis.log)"
  log "Redis ready on 127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  redis_ours && kill "$(cat "$STATE/redis/redis.pid")" 2>/dev/null || true
  rm -f "$STATE/redis/redis.pid"
}

# --- Solr -------------------------------------------------------------------
solr_ping() { curl -fsS --max-time 5 "http://127.0.0.1:$SOLR_PORT/solr/ckan/admin/ping?wt=json" 2>/dev/null | grep -q '"status":"OK"'; }
solr_ours() { [ -f "$STATE/solr.pid" ] && kill -0 "$(cat "$STATE/solr.pid")" 2>/dev/null; }

prepare_solr_home() {
  # The single node takes SolrCloud's configset (solr/conf with CKAN's schema,
  # _version_ made a long for the update log: solrconfig.xml says why)
  local conf; conf=$(mktemp -d)
  "$ROOT/scripts/solrcloud.sh" configset "$conf/ckan" >"$LOGS/solr-configset.log" 2>&1 \
    || { rm -rf "$conf"; die "writing Solr's configset failed (see $LOGS/solr-configset.log)"; }
  # An index written under another schema is dropped, not read with this one:
  # the portal (scripts/run.sh) and the suites rebuild theirs
  if [ -f "$SOLR_HOME/ckan/conf/schema.xml" ] &&
     ! cmp -s "$conf/ckan/schema.xml" "$SOLR_HOME/ckan/conf/schema.xml"; then
    log "Solr: CKAN's schema changed, the index is emptied (scripts/run.sh rebuilds it)"
    rm -rf "$SOLR_HOME/ckan/data"
  fi
  mkdir -p "$SOLR_HOME/ckan/conf"
  cp "$ROOT/solr/solr.xml" "$SOLR_HOME/solr.xml"
  cp "$conf"/ckan/* "$SOLR_HOME/ckan/conf/"
  rm -rf "$conf"
  echo "name=ckan" > "$SOLR_HOME/ckan/core.properties"
}

start_solr() {
  if solr_ours; then
    # Our Solr runs, perhaps serving the portal or another suite: never
    # restart it from here (a busy machine can make a ping slow); wait for it.
    if wait_for "Solr" 120 solr_ping; then
      log "Solr already running on 127.0.0.1:$SOLR_PORT"; return
    fi
    die "Solr (pid $(cat "$STATE/solr.pid")) runs but has not answered its ping for 120 s; see $LOGS/solr.log, or restart it with scripts/services.sh stop"
  fi
  port_in_use "$SOLR_PORT" && die "Solr: port $SOLR_PORT is already in use by another process (set SATUDATA_SOLR_PORT)"
  [ -d "$ROOT/solr/target/lib" ] || die "Solr is not built (run scripts/bootstrap.sh)"
  mkdir -p "$LOGS"
  prepare_solr_home
  log "starting Solr on 127.0.0.1:$SOLR_PORT (home $SOLR_HOME)"
  nohup java -Xms256m -Xmx${SATUDATA_SOLR_HEAP:-1g} \
    -XX:CompileCommand=exclude,com.github.benmanes.caffeine.cache.BoundedLocalCache::put \
    -Dlog4j2.configurationFile="$ROOT/solr/log4j2.xml" \
    -Dsolr.log.muteconsole=true -Dsolr.log.dir="$LOGS" -Dhost=127.0.0.1 -Djetty.host=127.0.0.1 \
    -cp "$ROOT/solr/target/classes:$ROOT/solr/target/lib/*" \
    id.satudata.solr.LoopbackSolr "$SOLR_HOME" "$SOLR_PORT" \
    >"$LOGS/solr.log" 2>&1 9>&- &
  echo $! > "$STATE/solr.pid"
  local i
  for ((i = 0; i < 120; i++)); do
    if solr_ping; then log "Solr ready: http://127.0.0.1:$SOLR_PORT/solr/ckan"; return; fi
    if ! solr_ours; then
      tail -n 20 "$LOGS/solr.log" >&2
      die "Solr exited during start-up (see $LOGS/solr.log)"
    fi
    sleep 1
  done
  stop_solr
  die "Solr did not answer /solr/ckan/admin/ping within 120 s (see $LOGS/solr.log)"
}

stop_solr() {
  if solr_ours; then
    local pid; pid=$(cat "$STATE/solr.pid"); kill "$pid" 2>/dev/null || true
    wait_for "Solr stop" 20 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/solr.pid"
}

EXTRA_DBS=(${SATUDATA_EXTRA_DBS:-})
# one start or stop at a time per state directory: two suites starting at once
# would both find no Solr of ours, start two, and keep the pid of the loser.
# The services are started with the lock's descriptor closed (9>&-): a
# daemon that inherited it would hold the lock for as long as it runs.
mkdir -p "$STATE"
lock() { exec 9>>"$STATE/services.lock"; flock 9; }
case "${1:-start}" in
  start)
    lock; start_postgres; start_redis; start_solr; datastore_permissions ;;
  stop)
    lock; refuse_stop_in_use; stop_solr; stop_redis; stop_postgres; log "services stopped" ;;
  status)
    echo "postgresql: $(pg_status || true)"
    redis_ours && echo "redis: running on $REDIS_PORT" || echo "redis: stopped"
    solr_ours && solr_ping && echo "solr: running on $SOLR_PORT" || echo "solr: stopped" ;;
  *) die "usage: $0 start|stop|status" ;;
esac
