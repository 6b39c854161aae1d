/**
 * The cluster project's files run against the local Redis Cluster of `bash scripts/services.sh
 * start --redis-cluster` unless REDIS_CLUSTER_NODES names another one.
 */
const base = Number(process.env.REDIS_CLUSTER_PORT_BASE ?? 7000);
process.env.REDIS_CLUSTER_NODES ||= [0, 1, 2].map((i) => `127.0.0.1:${base + i}`).join(',');
