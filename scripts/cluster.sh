# shellcheck shell=bash
# The cluster shape of Rocket Mart's services, sourced by services.sh: a Redis Cluster of three
# masters and three replicas from the installed redis-server, and a three-node KRaft Kafka cluster
# from the same cached jars as the single broker. Each has its own ports and dirs under
# $CACHE_DIR, so it runs beside the single-node services.
#
#   REDIS_CLUSTER_PORT_BASE        first of six Redis ports         (7000: 7000..7005)
#   REDIS_CLUSTER_NODE_TIMEOUT     ms before a master is failed over (2000)
#   KAFKA_CLUSTER_PORT_BASE        first of three client ports      (9192: 9192..9194)
#   KAFKA_CLUSTER_CONTROLLER_BASE  first of three controller ports  (9292: 9292..9294)

REDIS_CLUSTER_PORT_BASE="${REDIS_CLUSTER_PORT_BASE:-7000}"
REDIS_CLUSTER_NODE_TIMEOUT="${REDIS_CLUSTER_NODE_TIMEOUT:-2000}"
REDIS_CLUSTER_DIR="$CACHE_DIR/redis-cluster"
KAFKA_CLUSTER_PORT_BASE="${KAFKA_CLUSTER_PORT_BASE:-9192}"
KAFKA_CLUSTER_CONTROLLER_BASE="${KAFKA_CLUSTER_CONTROLLER_BASE:-9292}"
KAFKA_CLUSTER_DIR="$CACHE_DIR/kafka-cluster"

redis_cluster_ports() { seq "$REDIS_CLUSTER_PORT_BASE" $((REDIS_CLUSTER_PORT_BASE + 5)); }
redis_cli() { timeout 5 redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }
redis_cluster_field() { redis_cli "$1" cluster info | tr -d '\r' | sed -n "s/^$2://p"; }

# A node's own dir: the one it last ran in when kill-redis-node recorded it (the cluster may have
# been started from another $ROCKET_SERVICES_DIR), else this cache dir's.
redis_node_dir() {
  local recorded
  recorded="$(cat "$REDIS_CLUSTER_DIR/$1.dir" 2>/dev/null || true)"
  if [[ -n "$recorded" && -d "$recorded" ]]; then echo "$recorded"; else echo "$REDIS_CLUSTER_DIR/$1"; fi
}

start_redis_node() {
  local port="$1" dir
  dir="$(redis_node_dir "$1")"
  [[ "$(redis_cli "$port" ping)" == PONG ]] && return 0
  have redis-server || die "redis-server is not installed (apt-get install redis-server)."
  mkdir -p "$dir"
  # No persistence, like the single Redis here: a restarted node rejoins from nodes.conf and
  # resyncs from its master.
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file nodes.conf --cluster-node-timeout "$REDIS_CLUSTER_NODE_TIMEOUT" \
    --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log" \
    --pidfile "$dir/redis.pid" --daemonize yes >/dev/null ||
    die "redis-server on port $port did not start (see $dir/redis.log)."
  local i
  for ((i = 0; i < 40; i++)); do
    [[ "$(redis_cli "$port" ping)" == PONG ]] && return 0
    sleep 0.25
  done
  die "redis-server on port $port did not answer (see $dir/redis.log)."
}

redis_cluster_ok() {
  local port
  for port in $(redis_cluster_ports); do
    [[ "$(redis_cluster_field "$port" cluster_state)" == ok ]] || return 1
    [[ "$(redis_cluster_field "$port" cluster_known_nodes)" == 6 ]] || return 1
  done
  # Every slot served and every replica in sync with its master.
  [[ "$(redis_cluster_field "$REDIS_CLUSTER_PORT_BASE" cluster_slots_ok)" == 16384 ]] || return 1
  local synced=0
  for port in $(redis_cluster_ports); do
    redis_cli "$port" info replication | tr -d '\r' | grep -q '^master_link_status:up' &&
      synced=$((synced + 1))
  done
  ((synced == 3))
}

start_redis_cluster() {
  local port t0 fresh=1 i
  t0="$(now_ms)"
  for port in $(redis_cluster_ports); do start_redis_node "$port"; done
  if ! redis_cluster_ok; then
    for port in $(redis_cluster_ports); do
      [[ "$(redis_cluster_field "$port" cluster_known_nodes)" == 1 ]] || fresh=0
    done
    if ((fresh)); then
      local -a nodes=()
      for port in $(redis_cluster_ports); do nodes+=("127.0.0.1:$port"); done
      log "Creating a Redis Cluster of 3 masters and 3 replicas on ${nodes[*]} ..."
      timeout 60 redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes \
        >"$REDIS_CLUSTER_DIR/create.log" 2>&1 ||
        die "redis-cli --cluster create failed (see $REDIS_CLUSTER_DIR/create.log)."
    fi
    for ((i = 0; i < 120; i++)); do # 120 x 0.25s = 30s
      redis_cluster_ok && break
      sleep 0.25
    done
    redis_cluster_ok ||
      die "The Redis Cluster on ports $(redis_cluster_ports | paste -sd,) is not ok (a half-made cluster? 'bash scripts/services.sh stop-redis-cluster' wipes it)."
  fi
  local ms=$(($(now_ms) - t0))
  summary redis-cl "up    127.0.0.1:$REDIS_CLUSTER_PORT_BASE..$((REDIS_CLUSTER_PORT_BASE + 5)) (3 masters, 3 replicas, ok in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s)"
}

kill_redis_node() {
  local pid dir
  # The node tells its pid and dir, whichever cache dir started it; start-redis-node restarts it there.
  pid="$(redis_cli "$1" info server | tr -d '\r' | sed -n 's/^process_id://p' || true)"
  dir="$(redis_cli "$1" config get dir | tr -d '\r' | sed -n 2p || true)"
  [[ -n "$pid" ]] || pid="$(cat "$(redis_node_dir "$1")/redis.pid" 2>/dev/null || true)"
  pid_alive "$pid" || die "no Redis Cluster node runs on port $1."
  if [[ -n "$dir" && -f "$dir/nodes.conf" ]]; then
    mkdir -p "$REDIS_CLUSTER_DIR"
    echo "$dir" >"$REDIS_CLUSTER_DIR/$1.dir"
  fi
  kill -KILL "$pid"
  log "Redis Cluster node on port $1 (pid $pid) killed."
}

stop_redis_cluster() {
  local port
  for port in $(redis_cluster_ports); do
    redis_cli "$port" shutdown nosave >/dev/null || true
  done
  rm -rf "$REDIS_CLUSTER_DIR"
  log "Redis Cluster stopped and its node files removed."
}

# Runs one Kafka function for cluster node N (1..3) with that node's ports and files.
kafka_node() {
  local n="$1" fn="$2" i voters=""
  for i in 1 2 3; do
    voters+="${voters:+,}$i@127.0.0.1:$((KAFKA_CLUSTER_CONTROLLER_BASE + i - 1))"
  done
  (
    KAFKA_NODE_ID="$n"
    KAFKA_VOTERS="$voters"
    KAFKA_TEMPLATE="$TEMPLATE_DIR/cluster.properties"
    KAFKA_PORT=$((KAFKA_CLUSTER_PORT_BASE + n - 1))
    KAFKA_CONTROLLER_PORT=$((KAFKA_CLUSTER_CONTROLLER_BASE + n - 1))
    KAFKA_DATA_DIR="$KAFKA_CLUSTER_DIR/node-$n/data"
    KAFKA_PROPS="$KAFKA_CLUSTER_DIR/node-$n/server.properties"
    KAFKA_PID_FILE="$KAFKA_CLUSTER_DIR/node-$n/kafka.pid"
    KAFKA_LOG_FILE="$KAFKA_CLUSTER_DIR/node-$n/kafka.log"
    KAFKA_OUT_FILE="$KAFKA_CLUSTER_DIR/node-$n/kafka.out"
    KAFKA_LOCK_FILE="$KAFKA_CLUSTER_DIR/node-$n/kafka.lock"
    KAFKA_HEAP="${KAFKA_CLUSTER_HEAP:--Xms384m -Xmx384m}"
    # The log4j config names kafka.log in kafka.logs.dir: one dir per node.
    CACHE_DIR="$KAFKA_CLUSTER_DIR/node-$n"
    SUMMARY_FILE=/dev/null # the cluster reports one line for its three nodes
    mkdir -p "$CACHE_DIR"
    "$fn"
  )
}

kafka_cluster_brokers() {
  local i out=""
  for i in 1 2 3; do out+="${out:+,}127.0.0.1:$((KAFKA_CLUSTER_PORT_BASE + i - 1))"; done
  echo "$out"
}

start_kafka_cluster() {
  local n t0
  t0="$(now_ms)"
  kafka_ensure_jars
  # All three launch before any is waited for: a node opens its client port only once a
  # quorum of controllers is up.
  for n in 1 2 3; do KAFKA_WAIT=0 kafka_node "$n" start_kafka; done
  for n in 1 2 3; do KAFKA_WAIT=1 kafka_node "$n" start_kafka; done
  local ms=$(($(now_ms) - t0))
  summary kafka-cl "up    $(kafka_cluster_brokers) (3 KRaft nodes, ready in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s)"
}

start_kafka_node() { KAFKA_WAIT=1 kafka_node "$1" start_kafka; }

kill_kafka_node() {
  local pid
  pid="$(tr -dc '0-9' <"$KAFKA_CLUSTER_DIR/node-$1/kafka.pid" 2>/dev/null || true)"
  pid_alive "$pid" || die "Kafka cluster node $1 is not running."
  kill -KILL "$pid"
  log "Kafka cluster node $1 (pid $pid) killed."
}

stop_kafka_cluster() {
  local n
  for n in 1 2 3; do kafka_node "$n" stop_kafka; done
  rm -rf "$KAFKA_CLUSTER_DIR"
  log "Kafka cluster stopped and its data removed."
}
