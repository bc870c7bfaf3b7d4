#!/usr/bin/env bash
# A SolrCloud cluster on 127.0.0.1 for ckanext-satudata, beside (never
# instead of) the single Solr of scripts/services.sh: an embedded ZooKeeper,
# two Solr nodes and a collection `ckan` of 2 shards x 2 replicas, every node
# holding a replica of every shard (solr/src/.../CloudSolr.java).
#
#   scripts/solrcloud.sh start        start it (a new, empty cluster) and wait
#                                     until the collection is active
#   scripts/solrcloud.sh stop         stop it
#   scripts/solrcloud.sh status       nodes up/down, replicas, shard leaders
#   scripts/solrcloud.sh stop-node N  stop node N (1 or 2), as a crash-free
#                                     shutdown of that server would
#   scripts/solrcloud.sh start-node N start node N again; returns once every
#                                     replica is active again
#   scripts/solrcloud.sh configset DIR write the configset (CKAN's schema
#                                     adapted, update log on) to DIR, to upload
#                                     to a production cluster; the single Solr
#                                     of scripts/services.sh takes it too
#
# Point CKAN at any node: solr_url = http://127.0.0.1:8987/solr/ckan. Its own
# state (ZooKeeper data, the nodes' indexes, pid file, log) is under
# $SATUDATA_STATE_DIR/solrcloud; its ports are SATUDATA_SOLRCLOUD_PORTS
# (8987,8988), SATUDATA_SOLRCLOUD_ZK_PORT (9987) and
# SATUDATA_SOLRCLOUD_CONTROL_PORT (8986). It never touches the Solr on
# SATUDATA_SOLR_PORT (8983).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLOUD="$STATE/solrcloud"
CLOUD_PORTS="${SATUDATA_SOLRCLOUD_PORTS:-8987,8988}"
CLOUD_ZK_PORT="${SATUDATA_SOLRCLOUD_ZK_PORT:-9987}"
CLOUD_CONTROL_PORT="${SATUDATA_SOLRCLOUD_CONTROL_PORT:-8986}"
CLOUD_LOG="$CLOUD/solrcloud.log"
PIDFILE="$CLOUD/solrcloud.pid"

ckan_schema() {
  local ckan_dir
  ckan_dir=$("$VENV/bin/python" -c 'import ckan, os; print(os.path.dirname(ckan.__file__))') \
    || die "CKAN is not installed in $VENV (run scripts/bootstrap.sh)"
  echo "$ckan_dir/config/solr/schema.xml"
}

built() {
  [ -d "$ROOT/solr/target/lib" ] && [ -f "$ROOT/solr/target/classes/id/satudata/solr/CloudSolr.class" ] \
    || die "Solr is not built (run scripts/bootstrap.sh)"
}

ours() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# control COMMAND: one line to the launcher's control port, its answer back
control() {
  local answer
  exec 3<>"/dev/tcp/127.0.0.1/$CLOUD_CONTROL_PORT" \
    || die "SolrCloud: nothing answers on the control port $CLOUD_CONTROL_PORT"
  printf '%s\n' "$1" >&3
  answer=$(cat <&3)
  exec 3<&-
  echo "${answer#ok }"
  [[ "$answer" == ok* ]]
}

start() {
  if ours; then log "SolrCloud already running ($(control status))"; return; fi
  built
  local port schema
  for port in ${CLOUD_PORTS//,/ } "$CLOUD_ZK_PORT" "$CLOUD_CONTROL_PORT"; do
    port_in_use "$port" && die "SolrCloud: port $port is already in use by another process (set SATUDATA_SOLRCLOUD_PORTS, _ZK_PORT, _CONTROL_PORT)"
  done
  schema=$(ckan_schema)
  mkdir -p "$CLOUD"
  log "starting SolrCloud: nodes on $CLOUD_PORTS, ZooKeeper on $CLOUD_ZK_PORT (state $CLOUD)"
  local started=$SECONDS
  nohup java -Xms256m -Xmx${SATUDATA_SOLRCLOUD_HEAP:-1g} \
    -XX:CompileCommand=exclude,com.github.benmanes.caffeine.cache.BoundedLocalCache::put \
    -Dlog4j2.configurationFile="$ROOT/solr/log4j2.xml" \
    -Dsolr.log.muteconsole=true -Dsolr.log.dir="$CLOUD" -Dhost=127.0.0.1 \
    -cp "$ROOT/solr/target/classes:$ROOT/solr/target/lib/*" \
    id.satudata.solr.CloudSolr --dir "$CLOUD/cluster" --conf "$ROOT/solr/conf" \
    --schema "$schema" --zk-port "$CLOUD_ZK_PORT" \
    --control-port "$CLOUD_CONTROL_PORT" --ports "$CLOUD_PORTS" \
    </dev/null >"$CLOUD_LOG" 2>&1 &
  echo $! > "$PIDFILE"
  local i
  for ((i = 0; i < ${SATUDATA_SOLRCLOUD_START_TIMEOUT:-300}; i++)); do
    if grep -q '^ready ' "$CLOUD_LOG" 2>/dev/null; then
      grep -E '^(zk|node) ' "$CLOUD_LOG"
      log "SolrCloud ready in $((SECONDS - started)) s: $(grep '^ready ' "$CLOUD_LOG")"
      return
    fi
    if ! ours; then
      grep -v ' WARN ' "$CLOUD_LOG" | tail -n 20 >&2
      rm -f "$PIDFILE"
      die "SolrCloud exited during start-up (see $CLOUD_LOG)"
    fi
    sleep 1
  done
  stop
  die "SolrCloud's collection was not active within ${SATUDATA_SOLRCLOUD_START_TIMEOUT:-300} s (see $CLOUD_LOG)"
}

stop() {
  if ours; then
    local pid; pid=$(cat "$PIDFILE")
    control shutdown >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    wait_for "SolrCloud stop" 60 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
    log "SolrCloud stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if ours; then echo "solrcloud: $(control status)"; else echo "solrcloud: stopped"; fi ;;
  stop-node|start-node)
    [ -n "${2:-}" ] || die "usage: $0 $1 N"
    ours || die "SolrCloud is not running (scripts/solrcloud.sh start)"
    control "$1 $2" || die "SolrCloud: $1 $2 failed" ;;
  configset)
    [ -n "${2:-}" ] || die "usage: $0 configset DIR"
    [ ! -e "$2" ] || die "$2 exists already"
    built
    java -cp "$ROOT/solr/target/classes:$ROOT/solr/target/lib/*" id.satudata.solr.CloudSolr \
      --write-configset "$2" --conf "$ROOT/solr/conf" --schema "$(ckan_schema)" ;;
  *) die "usage: $0 start|stop|status|stop-node N|start-node N|configset DIR" ;;
esac
