const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/test/support/preload-esm.ts'],
};

/** Suites that drive a real browser or several service processes: minutes of CPU and a GB of memory. */
const heavy = ['<rootDir>/test/browser/', '<rootDir>/test/scale/'];

/**
 * Lanes, chosen by TEST_LANE (an environment variable, so a test path given
 * on the command line stays a path):
 * - unset, `npm test`: unit + e2e, everything that needs no external service and fits a laptop;
 * - `unit`, `npm run test:unit`: the specs beside the code, seconds;
 * - `e2e`, `npm run test:e2e`: e2e + heavy, the whole e2e suite against DATABASE_URL /
 *   REDIS_URL / SMTP_URL when set, with the browser and multi-process suites.
 */
const lanes = { unit: ['unit'], e2e: ['e2e', 'heavy'] };
function selectLane(projects) {
  const names = lanes[process.env.TEST_LANE ?? ''] ?? ['unit', 'e2e'];
  return projects.filter((project) => names.includes(project.displayName));
}

export default {
  // Booting the app (PGlite, migrations) takes seconds on a quiet 2-core machine and tens of seconds on a
  // loaded one: a slow machine must not fail a test. One global value (Jest reads it only here), no per-file ones.
  testTimeout: 120_000,
  // One worker on 2 cores; a worker that holds more than this after a test file is replaced, so the memory
  // of earlier files (each boots its own app and PGlite) does not pile up in one process. Measured on a
  // fresh clone (README "Test lanes"): 800MB let the worker peak at 1.5-1.9 GB, 400MB at 1.0-1.3 GB.
  workerIdleMemoryLimit: '400MB',
  projects: selectLane([
    {
      ...base,
      displayName: 'unit',
      rootDir: '.',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/migrations/**/*.spec.ts',
        '<rootDir>/client/src/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
    },
    {
      ...base,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...heavy],
    },
    {
      ...base,
      displayName: 'heavy',
      rootDir: '.',
      testMatch: heavy.map((dir) => `${dir}**/*.e2e-spec.ts`),
    },
  ]),
};
