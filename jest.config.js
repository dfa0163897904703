const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/test/support/preload-esm.ts'],
};

/**
 * `npm test`: unit specs beside the code and the e2e suite on the embedded
 * parts. `npm run test:e2e`: the e2e suite alone, against DATABASE_URL /
 * REDIS_URL / SMTP_URL when they are set.
 */
export default {
  // Booting the app (PGlite, migrations) takes seconds on a loaded 2-core machine; a global option, not per project.
  testTimeout: 30_000,
  projects: [
    { ...base, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/migrations/**/*.spec.ts', '<rootDir>/client/src/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.spec.ts'] },
  ],
};
