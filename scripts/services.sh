#!/usr/bin/env bash
# Local/CI backing services for Rocket Mart, without Docker.
#
#   bash scripts/services.sh start        # MariaDB + Redis (start if installed) + Kafka broker
#   bash scripts/services.sh stop         # stop the Kafka broker (MariaDB/Redis are left alone)
#   bash scripts/services.sh status       # one line per service; exit 1 if any is down
#   bash scripts/services.sh start-kafka  # just the broker (reuses the same data dir)
#   bash scripts/services.sh stop-kafka   # just the broker
#   bash scripts/services.sh reset-kafka  # stop the broker and DELETE its data dir
#
# The cluster shape (scripts/cluster.sh has its settings), beside the single-node services:
#   bash scripts/services.sh start --redis-cluster --kafka-cluster   # also start either cluster
#   bash scripts/services.sh start-redis-cluster | stop-redis-cluster  # 3 masters + 3 replicas
#   bash scripts/services.sh start-kafka-cluster | stop-kafka-cluster  # 3 KRaft nodes
#   bash scripts/services.sh kill-redis-node PORT | start-redis-node PORT   # failover tests
#   bash scripts/services.sh kill-kafka-node N | start-kafka-node N        # N = 1..3
# `stop-*-cluster` also removes the cluster's data, so the next start makes a fresh cluster.
#
# `start` also runs a development mail catcher on 127.0.0.1:$SMTP_PORT (1025) when the
# project's dependencies are installed: mails (with their links) are appended to
# $ROCKET_SERVICES_DIR/mail.log. `stop` stops it.
#
# MariaDB and Redis are machine services: we only start them when they are down and
# installed. Kafka runs from jars resolved once from Maven Central (scripts/kafka/pom.xml)
# as a single-node KRaft broker whose jars, data, pid and logs live in the cache dir.
#
# Environment (all optional):
#   ROCKET_SERVICES_DIR  cache/runtime dir            (default: $HOME/.cache/rocket-mart)
#   MYSQL_HOST MYSQL_PORT MYSQL_USER MYSQL_PASSWORD   (127.0.0.1 3306 root "")
#   REDIS_HOST REDIS_PORT                             (127.0.0.1 6379)
#   KAFKA_PORT KAFKA_CONTROLLER_PORT                  (9092 9093; always bound on 127.0.0.1)
#   KAFKA_VERSION        3.x only                     (3.9.1)
#   KAFKA_HEAP           broker heap flags            ("-Xms512m -Xmx512m")
#   KAFKA_OPTS           extra JVM flags for the broker
#   KAFKA_START_TIMEOUT  seconds to wait for the broker port (90)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATE_DIR="$SCRIPT_DIR/kafka"

CACHE_DIR="${ROCKET_SERVICES_DIR:-$HOME/.cache/rocket-mart}"

MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
MYSQL_USER="${MYSQL_USER:-root}"
MYSQL_PASSWORD="${MYSQL_PASSWORD:-}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

KAFKA_HOST=127.0.0.1 # 127.0.0.1, not localhost: Node may resolve localhost to ::1 first
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms512m -Xmx512m}"
KAFKA_OPTS="${KAFKA_OPTS:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
# Fixed id (the apache/kafka docker image default): any valid id works for a
# throwaway single node, and a constant keeps re-formatting deterministic.
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}"

KAFKA_DIST_DIR="$CACHE_DIR/kafka-$KAFKA_VERSION" # jars, keyed by version
KAFKA_LIB_DIR="$KAFKA_DIST_DIR/lib"
KAFKA_DATA_DIR="$CACHE_DIR/kafka-data"           # log.dirs: topics + offsets survive restarts
KAFKA_PROPS="$CACHE_DIR/kafka.properties"        # rendered from scripts/kafka/server.properties
KAFKA_PID_FILE="$CACHE_DIR/kafka.pid"
KAFKA_LOG_FILE="$CACHE_DIR/kafka.log"            # broker log (log4j, INFO, rolled at 20MB)
KAFKA_OUT_FILE="$CACHE_DIR/kafka.out"            # JVM stdout/stderr (crashes before log4j)
KAFKA_LOCK_FILE="$CACHE_DIR/kafka.lock"
KAFKA_TEMPLATE="$TEMPLATE_DIR/server.properties" # the cluster nodes use cluster.properties
KAFKA_NODE_ID=1
KAFKA_VOTERS=""
KAFKA_WAIT=1 # 0: launch and return; the caller waits (a cluster node opens only with a quorum)

SMTP_PORT="${SMTP_PORT:-1025}"
MAIL_PID_FILE="$CACHE_DIR/mail-catcher.pid"
MAIL_LOG_FILE="$CACHE_DIR/mail.log"

SUMMARY_FILE="" # one line per service, printed at the end of start/status

# ---------------------------------------------------------------------------- helpers

log() { printf '[services] %s\n' "$*" >&2; }
die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
summary() { printf '%-8s %s\n' "$1" "$2" >>"$SUMMARY_FILE"; }
is_local_host() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 ]]; }
now_ms() { date +%s%3N; }

# TCP connect probe with no extra packages (bash /dev/tcp); `timeout` guards against
# hosts that drop packets instead of refusing.
tcp_open() { timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# Alive and not a zombie: PID 1 in containers/VMs does not always reap orphans,
# so `kill -0` alone can report a dead broker as running forever.
pid_alive() {
  local pid="$1" state
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
    [[ "$state" != Z ]] || return 1
  fi
}

# --------------------------------------------------------------------------- MariaDB

mysql_alive() {
  if have mysqladmin; then
    # `ping` exits 0 even on "access denied": it answers "is the server up?", which is
    # what we want here. Credentials are checked separately below.
    MYSQL_PWD="$MYSQL_PASSWORD" timeout 5 mysqladmin --protocol=tcp -h"$MYSQL_HOST" \
      -P"$MYSQL_PORT" -u"$MYSQL_USER" --connect-timeout=2 ping >/dev/null 2>&1
  else
    tcp_open "$MYSQL_HOST" "$MYSQL_PORT"
  fi
}

mysql_login_ok() {
  have mysql || return 0 # no client to check with; the app will tell
  MYSQL_PWD="$MYSQL_PASSWORD" timeout 5 mysql --protocol=tcp -h"$MYSQL_HOST" -P"$MYSQL_PORT" \
    -u"$MYSQL_USER" --connect-timeout=2 -Nse 'select 1' >/dev/null 2>&1
}

ensure_mysql() {
  local addr="$MYSQL_HOST:$MYSQL_PORT" how="already running" i
  if ! mysql_alive; then
    is_local_host "$MYSQL_HOST" ||
      die "MariaDB at $addr does not answer, and it is not local so I cannot start it."
    [[ -x /usr/sbin/mariadbd ]] ||
      die "MariaDB at $addr does not answer and /usr/sbin/mariadbd is not installed (apt-get install mariadb-server)."
    log "MariaDB not answering on $addr; starting /usr/sbin/mariadbd ..."
    local -a extra=()
    if [[ $EUID -eq 0 ]]; then
      # mariadbd refuses to run as root; its socket/pid dir lives on tmpfs and may be gone.
      install -d -o mysql -g mysql /run/mysqld 2>/dev/null || true
      extra=(--user=mysql)
    fi
    mkdir -p "$CACHE_DIR"
    start-stop-daemon --start --oknodo --background --output "$CACHE_DIR/mariadbd.out" \
      --exec /usr/sbin/mariadbd -- "${extra[@]}" ||
      die "start-stop-daemon could not start mariadbd (see $CACHE_DIR/mariadbd.out)."
    for ((i = 0; i < 120; i++)); do # 120 x 0.5s = 60s
      mysql_alive && break
      sleep 0.5
    done
    if ! mysql_alive; then
      pgrep -x mariadbd >/dev/null 2>&1 &&
        die "MariaDB did not answer on $addr within 60s, but a mariadbd process is running: is it listening on another port/socket than MYSQL_PORT=$MYSQL_PORT? (see /var/log/mysql/error.log)"
      die "MariaDB did not come up on $addr within 60s. Check $CACHE_DIR/mariadbd.out and /var/log/mysql/error.log (is /var/lib/mysql initialised? try mariadb-install-db --user=mysql)."
    fi
    how="started"
  fi
  if mysql_login_ok; then
    summary mariadb "up    $addr ($how, user $MYSQL_USER)"
  else
    log "WARNING: MariaDB answers on $addr but 'select 1' as '$MYSQL_USER' failed (wrong MYSQL_USER/MYSQL_PASSWORD?)."
    summary mariadb "up    $addr ($how, but login as $MYSQL_USER FAILED)"
  fi
}

# ----------------------------------------------------------------------------- Redis

redis_alive() {
  if have redis-cli; then
    local out
    out="$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>&1 || true)"
    # NOAUTH still means a live server.
    [[ "$out" == PONG || "$out" == *NOAUTH* ]]
  else
    tcp_open "$REDIS_HOST" "$REDIS_PORT"
  fi
}

ensure_redis() {
  local addr="$REDIS_HOST:$REDIS_PORT" how="already running" i
  if ! redis_alive; then
    is_local_host "$REDIS_HOST" ||
      die "Redis at $addr does not answer, and it is not local so I cannot start it."
    have redis-server ||
      die "Redis at $addr does not answer and redis-server is not installed (apt-get install redis-server)."
    log "Redis not answering on $addr; starting redis-server ..."
    local dir=/var/lib/redis logfile=/var/log/redis/ci.log
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    # Non-root without access to the system dirs: keep redis' files in the cache dir.
    if [[ ! -w /var/lib/redis || ! -w /var/log/redis ]]; then
      dir="$CACHE_DIR/redis" logfile="$CACHE_DIR/redis.log"
      mkdir -p "$dir"
    fi
    # No persistence: it is a cache/lock store for tests.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir "$dir" --logfile "$logfile" ||
      die "redis-server failed to start (see $logfile)."
    for ((i = 0; i < 60; i++)); do # 60 x 0.5s = 30s
      redis_alive && break
      sleep 0.5
    done
    redis_alive || die "Redis did not come up on $addr within 30s (see $logfile)."
    how="started"
  fi
  summary redis "up    $addr ($how)"
}

# ----------------------------------------------------------------------------- Kafka

# Serialise start/stop so two concurrent `start`s cannot launch two brokers.
kafka_lock() {
  mkdir -p "$CACHE_DIR"
  exec 9>"$KAFKA_LOCK_FILE"
  if have flock; then
    flock -w 600 9 || die "timed out waiting for the Kafka lock $KAFKA_LOCK_FILE"
  fi
}

# PID of the broker this script started, or empty. Checks that the pid really is
# our kafka.Kafka (pids get reused after reboots).
kafka_pid() {
  local pid=""
  [[ -f "$KAFKA_PID_FILE" ]] && pid="$(tr -dc '0-9' <"$KAFKA_PID_FILE")"
  pid_alive "$pid" || return 0
  if [[ -r "/proc/$pid/cmdline" ]]; then
    # (read into a variable: `tr | grep -q` can die of SIGPIPE under pipefail)
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ "$cmdline" == *"kafka.Kafka $KAFKA_PROPS"* ]] || return 0
  fi
  echo "$pid" # (without /proc, i.e. not Linux, the pid file is trusted)
}

# kafka.log is appended to across runs: only show what this start wrote (from byte
# KAFKA_LOG_START on), so a crash is not hidden behind the previous run's lines.
KAFKA_LOG_START=0
kafka_dump_logs() {
  local size
  if [[ -s "$KAFKA_OUT_FILE" ]]; then
    printf '\n----- last 50 lines of %s -----\n' "$KAFKA_OUT_FILE" >&2
    tail -n 50 "$KAFKA_OUT_FILE" >&2
  fi
  if [[ -s "$KAFKA_LOG_FILE" ]]; then
    size="$(stat -c %s "$KAFKA_LOG_FILE")"
    ((size >= KAFKA_LOG_START)) || KAFKA_LOG_START=0 # log was rolled meanwhile
    printf '\n----- last 50 lines of %s (this start) -----\n' "$KAFKA_LOG_FILE" >&2
    tail -c +"$((KAFKA_LOG_START + 1))" "$KAFKA_LOG_FILE" | tail -n 50 >&2
  fi
  printf -- '-----\n' >&2
}

# Download the broker jars once per version into the cache (the only network access).
kafka_ensure_jars() {
  [[ -f "$KAFKA_DIST_DIR/.complete" ]] && return 0
  [[ "$KAFKA_VERSION" == 3.* ]] ||
    die "KAFKA_VERSION=$KAFKA_VERSION: only 3.x is supported (4.x needs log4j2 jars/config instead of reload4j)."
  have mvn || die "Kafka jars are not cached in $KAFKA_LIB_DIR and 'mvn' is not installed to fetch them."
  log "Resolving Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_DIST_DIR (first run only) ..."
  # Resolve into a temp dir and rename, so an interrupted download is never mistaken for a cache hit.
  local tmp="$KAFKA_DIST_DIR.tmp.$$"
  rm -rf "$KAFKA_DIST_DIR".tmp.* # leftovers of interrupted runs (we hold the lock)
  mkdir -p "$tmp"
  cp "$TEMPLATE_DIR/pom.xml" "$tmp/pom.xml"
  # Output captured and shown only on failure (mvn -q -B still emits stray ANSI resets).
  local out
  if ! out="$(mvn -q -B -f "$tmp/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp/lib" -Dkafka.version="$KAFKA_VERSION" 2>&1)"; then
    printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' >&2
    rm -rf "$tmp"
    die "mvn could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (is Maven Central reachable?)."
  fi
  [[ -f "$tmp/lib/kafka_2.13-$KAFKA_VERSION.jar" ]] || {
    rm -rf "$tmp"
    die "mvn finished but kafka_2.13-$KAFKA_VERSION.jar is missing from the result."
  }
  touch "$tmp/.complete"
  rm -rf "$KAFKA_DIST_DIR"
  mv "$tmp" "$KAFKA_DIST_DIR"
  log "Cached $(ls "$KAFKA_LIB_DIR" | wc -l) jars in $KAFKA_LIB_DIR"
}

# Render the config every start so KAFKA_PORT / cache-dir changes take effect.
kafka_render_config() {
  mkdir -p "$KAFKA_DATA_DIR"
  sed -e "s|@PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$KAFKA_DATA_DIR|g" -e "s|@NODE_ID@|$KAFKA_NODE_ID|g" \
    -e "s|@VOTERS@|$KAFKA_VOTERS|g" "$KAFKA_TEMPLATE" >"$KAFKA_PROPS.tmp"
  mv "$KAFKA_PROPS.tmp" "$KAFKA_PROPS"
}

kafka_log4j_opts() {
  printf '%s\n' "-Dkafka.logs.dir=$CACHE_DIR" "-Dlog4j.configuration=file:$TEMPLATE_DIR/log4j.properties"
}

# KRaft refuses to start on an unformatted dir ("No readable meta.properties").
# Skipped when already formatted: it costs a whole extra JVM start.
kafka_format() {
  [[ -f "$KAFKA_DATA_DIR/meta.properties" ]] && return 0
  log "Formatting Kafka data dir $KAFKA_DATA_DIR (cluster id $KAFKA_CLUSTER_ID) ..."
  local out log4j
  mapfile -t log4j < <(kafka_log4j_opts)
  if ! out="$(java -Xmx256m "${log4j[@]}" -cp "$KAFKA_LIB_DIR/*" kafka.tools.StorageTool \
    format -t "$KAFKA_CLUSTER_ID" -c "$KAFKA_PROPS" --ignore-formatted 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "Formatting $KAFKA_DATA_DIR failed."
  fi
}

# Poll a TCP connect every 250ms. The broker only opens its client port after it has
# caught up on metadata and been unfenced, so an open port means it is serving
# (the controller port opens earlier and is not a readiness signal).
kafka_wait_ready() {
  local pid="$1" deadline=$(($(date +%s) + KAFKA_START_TIMEOUT))
  while ! tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; do
    if ! pid_alive "$pid"; then
      kafka_dump_logs
      rm -f "$KAFKA_PID_FILE"
      die "Kafka broker (pid $pid) exited during startup; logs above."
    fi
    if (($(date +%s) >= deadline)); then
      kafka_dump_logs
      die "Kafka did not open $KAFKA_HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s (pid $pid still running; stop it with: bash scripts/services.sh stop-kafka)."
    fi
    sleep 0.25
  done
}

start_kafka() {
  local addr="$KAFKA_HOST:$KAFKA_PORT" pid t0
  t0="$(now_ms)"
  kafka_lock
  pid="$(kafka_pid)"

  if tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    if [[ -n "$pid" ]]; then
      summary kafka "up    $addr (already running, pid $pid, log $KAFKA_LOG_FILE)"
    else
      summary kafka "up    $addr (already running, not started by this script)"
    fi
    return 0
  fi

  if [[ -n "$pid" ]]; then
    # Our broker exists but the port is closed: it is still starting (or recovering).
    log "Kafka broker pid $pid is running but $addr is not open yet; waiting ..."
  else
    have java || die "java is not on PATH (Kafka needs Java 17)."
    tcp_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT" &&
      die "Port $KAFKA_CONTROLLER_PORT (Kafka controller) is taken by another process; set KAFKA_CONTROLLER_PORT."
    kafka_ensure_jars
    kafka_render_config
    kafka_format

    local -a jvm log4j extra=()
    mapfile -t log4j < <(kafka_log4j_opts)
    read -r -a extra <<<"$KAFKA_OPTS"
    # shellcheck disable=SC2206 # KAFKA_HEAP is a list of flags on purpose
    jvm=($KAFKA_HEAP -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
      -XX:MaxInlineLevel=15 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
      "${log4j[@]}" "${extra[@]}")

    log "Starting Kafka $KAFKA_VERSION on $addr (log: $KAFKA_LOG_FILE) ..."
    KAFKA_LOG_START="$(stat -c %s "$KAFKA_LOG_FILE" 2>/dev/null || echo 0)"
    rm -f "$KAFKA_PID_FILE"
    # setsid + nohup: own session, so it survives this script, the terminal and Ctrl-C.
    # The inner bash writes its own pid and execs java, so the pid file is exactly the
    # JVM even if setsid forks. 9>&- keeps the lock fd from leaking into the broker
    # (otherwise the lock would be held for the broker's whole life).
    (
      cd "$CACHE_DIR" # hs_err_pid*.log dumps land here, not in the repo
      exec setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PID_FILE" \
        java "${jvm[@]}" -cp "$KAFKA_LIB_DIR/*" kafka.Kafka "$KAFKA_PROPS"
    ) >"$KAFKA_OUT_FILE" 2>&1 </dev/null 9>&- &

    local i
    for ((i = 0; i < 40; i++)); do # the pid file appears within milliseconds
      [[ -s "$KAFKA_PID_FILE" ]] && break
      sleep 0.05
    done
    pid="$(tr -dc '0-9' <"$KAFKA_PID_FILE" 2>/dev/null || true)"
    [[ -n "$pid" ]] || {
      kafka_dump_logs
      die "Kafka launcher did not write $KAFKA_PID_FILE."
    }
  fi

  if ((KAFKA_WAIT == 0)); then
    summary kafka "start $addr (launched, pid $pid)"
    return 0
  fi
  kafka_wait_ready "$pid"
  local ms=$(($(now_ms) - t0))
  summary kafka "up    $addr (started, pid $pid, ready in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s, log $KAFKA_LOG_FILE)"
}

stop_kafka() {
  local pid i
  kafka_lock
  pid="$(kafka_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$KAFKA_PID_FILE"
    if tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      die "Something answers on $KAFKA_HOST:$KAFKA_PORT but it was not started by this script (no live pid in $KAFKA_PID_FILE); not touching it."
    fi
    log "Kafka: not running."
    return 0
  fi
  # SIGTERM runs Kafka's shutdown hook (clean log flush => fast, recovery-free restart).
  log "Stopping Kafka broker pid $pid (SIGTERM, up to 30s) ..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do # 120 x 0.25s = 30s
    pid_alive "$pid" || break
    sleep 0.25
  done
  if pid_alive "$pid"; then
    log "Kafka pid $pid ignored SIGTERM for 30s; sending SIGKILL."
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
      pid_alive "$pid" || break
      sleep 0.25
    done
  fi
  pid_alive "$pid" && die "Kafka pid $pid is still alive after SIGKILL."
  rm -f "$KAFKA_PID_FILE"
  log "Kafka stopped (data kept in $KAFKA_DATA_DIR)."
}

reset_kafka() {
  stop_kafka
  log "Deleting Kafka data dir $KAFKA_DATA_DIR (all topics and offsets)."
  rm -rf "$KAFKA_DATA_DIR"
}

# ----------------------------------------------------------------------- mail catcher

mail_pid() {
  local pid
  pid="$(cat "$MAIL_PID_FILE" 2>/dev/null || true)"
  if pid_alive "$pid"; then echo "$pid"; fi
}

start_mail() {
  local root
  root="$(cd "$SCRIPT_DIR/.." && pwd)"
  if tcp_open 127.0.0.1 "$SMTP_PORT"; then
    summary mail "up    127.0.0.1:$SMTP_PORT (already running)"
    return 0
  fi
  if [[ ! -d "$root/node_modules/smtp-server" ]]; then
    # CI starts services before `npm ci`; the tests run their own SMTP server anyway.
    summary mail "skip  dev mail catcher needs 'npm ci' first (optional)"
    return 0
  fi
  # The whole background job's output goes to the file: a subshell left holding the caller's
  # stdout would keep a pipe such as `npm run services | tail` open for as long as the catcher runs.
  # The project's Node (the `node` devDependency, 24) when installed, whatever `node` is on PATH.
  local node=node
  [[ -x "$root/node_modules/.bin/node" ]] && node="$root/node_modules/.bin/node"
  (cd "$root" && SMTP_PORT="$SMTP_PORT" exec setsid nohup "$node" scripts/mail-catcher.js "$MAIL_LOG_FILE") \
    </dev/null >"$CACHE_DIR/mail-catcher.out" 2>&1 9>&- &
  echo $! >"$MAIL_PID_FILE"
  local i
  for i in $(seq 1 40); do
    tcp_open 127.0.0.1 "$SMTP_PORT" && break
    sleep 0.25
  done
  tcp_open 127.0.0.1 "$SMTP_PORT" || die "mail catcher did not start: $(cat "$CACHE_DIR/mail-catcher.out")"
  summary mail "up    127.0.0.1:$SMTP_PORT (dev catcher, mails in $MAIL_LOG_FILE)"
}

stop_mail() {
  local pid
  pid="$(mail_pid)"
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    log "Mail catcher stopped."
  fi
  rm -f "$MAIL_PID_FILE"
}

# ---------------------------------------------------------------------------- status

status_all() {
  local down=0 pid
  if mysql_alive; then summary mariadb "up    $MYSQL_HOST:$MYSQL_PORT"; else
    summary mariadb "DOWN  $MYSQL_HOST:$MYSQL_PORT"
    down=1
  fi
  if redis_alive; then summary redis "up    $REDIS_HOST:$REDIS_PORT"; else
    summary redis "DOWN  $REDIS_HOST:$REDIS_PORT"
    down=1
  fi
  pid="$(kafka_pid)"
  if tcp_open "$KAFKA_HOST" "$KAFKA_PORT" && [[ -n "$pid" ]]; then
    summary kafka "up    $KAFKA_HOST:$KAFKA_PORT (pid $pid)"
  elif tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    summary kafka "up    $KAFKA_HOST:$KAFKA_PORT (not started by this script)"
  elif [[ -n "$pid" ]]; then
    summary kafka "DOWN  $KAFKA_HOST:$KAFKA_PORT (pid $pid alive but port closed: starting or stuck; log $KAFKA_LOG_FILE)"
    down=1
  else
    summary kafka "DOWN  $KAFKA_HOST:$KAFKA_PORT"
    down=1
  fi
  return "$down"
}

# shellcheck source=scripts/cluster.sh
source "$SCRIPT_DIR/cluster.sh"

# ------------------------------------------------------------------------------ main

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# Run one service step in a subshell with errexit on, so one failing service is reported
# but does not hide the state of the others. The failure is recorded in STEP_FAILED
# instead of returned: calling `fn || rc=1` would silently disable `set -e` inside fn
# (and inside any subshell it starts).
STEP_FAILED=0
run_step() {
  local name="$1"
  shift
  set +e
  (
    set -e
    "$@"
  )
  if (($? != 0)); then
    STEP_FAILED=1
    summary "$name" "FAILED (see error above)"
  fi
  set -e
}

main() {
  local cmd="${1:-}" rc=0
  mkdir -p "$CACHE_DIR"
  SUMMARY_FILE="$(mktemp)"
  trap 'rm -f "$SUMMARY_FILE"' EXIT

  case "$cmd" in
  start)
    local flag redis_cluster=0 kafka_cluster=0
    for flag in "${@:2}"; do
      case "$flag" in
      --redis-cluster) redis_cluster=1 ;;
      --kafka-cluster) kafka_cluster=1 ;;
      *) die "unknown option '$flag' (--redis-cluster, --kafka-cluster)" ;;
      esac
    done
    run_step mariadb ensure_mysql
    run_step redis ensure_redis
    run_step kafka start_kafka
    run_step mail start_mail
    ((redis_cluster == 0)) || run_step redis-cl start_redis_cluster
    ((kafka_cluster == 0)) || run_step kafka-cl start_kafka_cluster
    cat "$SUMMARY_FILE"
    ((STEP_FAILED == 0)) || die "some services are not up (see above)."
    ;;
  start-kafka)
    start_kafka
    cat "$SUMMARY_FILE"
    ;;
  stop | stop-kafka)
    stop_kafka
    if [[ "$cmd" == stop ]]; then
      stop_mail
      log "MariaDB and Redis are machine services: left running."
    fi
    ;;
  reset-kafka)
    reset_kafka
    ;;
  start-redis-cluster | start-kafka-cluster)
    local what="${cmd#start-}"
    run_step "$what" "start_${what//-/_}"
    cat "$SUMMARY_FILE"
    ((STEP_FAILED == 0)) || die "the cluster is not up (see above)."
    ;;
  stop-redis-cluster) stop_redis_cluster ;;
  stop-kafka-cluster) stop_kafka_cluster ;;
  kill-redis-node) kill_redis_node "${2:?port}" ;;
  start-redis-node) start_redis_node "${2:?port}" ;;
  kill-kafka-node) kill_kafka_node "${2:?node 1..3}" ;;
  start-kafka-node) start_kafka_node "${2:?node 1..3}" ;;
  status)
    status_all || rc=1
    cat "$SUMMARY_FILE"
    printf 'kafka files: cache %s, pid %s, log %s\n' "$CACHE_DIR" "$KAFKA_PID_FILE" "$KAFKA_LOG_FILE"
    return "$rc"
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    die "unknown command '${cmd}'"
    ;;
  esac
}

main "$@"
