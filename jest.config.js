/** @type {import('jest').Config} */
// ts-jest without type checking (typecheck is its own step): TypeScript emits the decorator
// metadata type-graphql and MikroORM read.
const transform = {
  '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
};

// The suites that also run against the Redis Cluster and the three Kafka brokers (`npm run
// test:cluster`, scripts/test-cluster.sh), and the tests that only make sense there: they kill a
// node or run many processes on the clusters.
const clusterSuites = [
  'purchase',
  'purchase-rush',
  'stock',
  'stock-recovery',
  'payment',
  'payment-recovery',
  'payment-audit',
  'refunds',
  'realtime',
  'waiting-room',
  'waiting-room-draw',
  'sale-limits',
];
const clusterOnly = [
  'redis-failover',
  'redis-failover-default-wait',
  'waiting-room-failover',
  'kafka-failover',
  'many-processes',
];

module.exports = {
  // Fails the run at once, with one message, when MySQL, Redis or Kafka is not reachable.
  globalSetup: '<rootDir>/test/global-setup.ts',
  // e2e tests start the real app and talk to real services.
  testTimeout: 60000,
  // One file at a time: files share one Kafka broker, and the outage test stops it.
  maxWorkers: 1,
  // A Kafka client whose broker was restarted can keep a socket open after its disconnect; the
  // run ends when the last file does rather than when the broker times the socket out.
  forceExit: true,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      setupFiles: ['reflect-metadata'],
      testMatch: ['<rootDir>/src/**/*.test.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      setupFiles: ['reflect-metadata'],
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
      testPathIgnorePatterns: clusterOnly.map((name) => `/test/e2e/${name}\\.e2e\\.test\\.ts$`),
      // Each file gets its own database, Redis prefix and Kafka topics, so files may run in parallel.
    },
    {
      // The same suites against a Redis Cluster (REDIS_CLUSTER_NODES, see test/cluster-env.ts),
      // and the failover test.
      displayName: 'cluster',
      testEnvironment: 'node',
      transform,
      setupFiles: ['reflect-metadata', '<rootDir>/test/cluster-env.ts'],
      testMatch: [...clusterSuites, ...clusterOnly].map(
        (name) => `<rootDir>/test/e2e/${name}.e2e.test.ts`,
      ),
    },
    {
      // Headless Chromium (scripts/browser.sh installs it) against the real app and services.
      displayName: 'browser',
      testEnvironment: 'node',
      transform,
      setupFiles: ['reflect-metadata'],
      testMatch: ['<rootDir>/test/browser/**/*.browser.test.ts'],
    },
  ],
};
