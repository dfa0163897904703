/**
 * Jest links a test's whole ESM graph before evaluating it, and runs a
 * CommonJS dependency (here @nestjs-modules/mailer) while linking; its
 * require() of an ESM-only Nest package would then see that package
 * mid-load and fail as a cycle. Evaluating those packages first avoids it.
 * Plain Node (`npm start`) loads them in order and needs none of this.
 */
await import('@nestjs/common');
await import('@nestjs/core');
await import('@nestjs/terminus');
