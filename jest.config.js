/** @type {import('jest').Config} */
// ts-jest without type checking (typecheck is its own step): TypeScript emits the decorator
// metadata type-graphql and MikroORM read.
const transform = {
  '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }],
};

// Files that need the cluster shape (three Kafka brokers, a Redis Cluster): they kill a broker or
// run many processes on it, so they run only in the cluster run.
const clusterOnly = ['kafka-failover', 'many-processes', 'redis-failover'];
// Suites that run in both: on the single services (npm test) and again on the clusters.
const alsoOnCluster = [
  'purchase',
  'purchase-rush',
  'stock',
  'payment',
  'payment-audit',
  'payment-recovery',
  'realtime',
];
const e2eFile = (name) => `<rootDir>/test/e2e/${name}.e2e.test.ts`;

const single = [
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
    // Headless Chromium (scripts/browser.sh installs it) against the real app and services.
    displayName: 'browser',
    testEnvironment: 'node',
    transform,
    setupFiles: ['reflect-metadata'],
    testMatch: ['<rootDir>/test/browser/**/*.browser.test.ts'],
  },
];

// The cluster run (`npm run test:cluster`, scripts/test-cluster.sh sets TEST_CLUSTER and the
// cluster's addresses): the suites above that a cluster changes, and the cluster-only files.
const cluster = [
  {
    displayName: 'cluster',
    testEnvironment: 'node',
    transform,
    setupFiles: ['reflect-metadata'],
    testMatch: [...alsoOnCluster, ...clusterOnly].map(e2eFile),
  },
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
  projects: process.env.TEST_CLUSTER === '1' ? cluster : single,
};
