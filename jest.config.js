/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      setupFiles: ['reflect-metadata'],
      testMatch: ['<rootDir>/src/**/*.test.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': swc },
      setupFiles: ['reflect-metadata'],
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
      testTimeout: 60000,
      // Each file gets its own database, Redis prefix and Kafka topics, so files may run in parallel.
    },
  ],
};
