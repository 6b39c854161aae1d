#!/usr/bin/env bash
# The cluster run (`npm run test:cluster [-- jest args]`): starts the Redis Cluster (3 masters,
# 3 replicas) and the three-broker KRaft Kafka beside the single-node services, then runs the jest
# project `cluster` against them: the purchase, stock, payment and realtime suites again, and the
# broker-kill, failover and many-process tests. Fails, loudly, when a cluster cannot start: a
# cluster test is never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! bash scripts/services.sh start --redis-cluster --kafka-cluster; then
  echo "test:cluster: the Redis Cluster or the Kafka cluster could not be started (see above). Failing." >&2
  exit 1
fi

# The addresses scripts/cluster.sh starts them on (same variables, same defaults); every
# process of the run, the built app's included, inherits them.
redis_base="${REDIS_CLUSTER_PORT_BASE:-7000}"
kafka_base="${KAFKA_CLUSTER_PORT_BASE:-9192}"
nodes=""
for ((i = 0; i < 6; i++)); do nodes+="${nodes:+,}127.0.0.1:$((redis_base + i))"; done
brokers=""
for ((i = 0; i < 3; i++)); do brokers+="${brokers:+,}127.0.0.1:$((kafka_base + i))"; done

export REDIS_CLUSTER_NODES="${REDIS_CLUSTER_NODES:-$nodes}"
export KAFKA_BROKERS="$brokers"
# Every app topic on all three brokers; an acks=all write needs two of them.
export KAFKA_REPLICATION_FACTOR=3
export KAFKA_MIN_INSYNC_REPLICAS=2
echo "test:cluster: REDIS_CLUSTER_NODES=$REDIS_CLUSTER_NODES KAFKA_BROKERS=$KAFKA_BROKERS (RF 3, min.insync 2)"
# The many-process test starts the built app (dist/) as its processes.
[[ -f dist/src/main.js ]] || npm run build
# Paths and options first: --selectProjects takes every word after it as a project name.
exec npx jest "$@" --selectProjects cluster
