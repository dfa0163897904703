// The Node flags `npm start` (scripts/start.mjs) runs the service with, and the benchmark with it on the
// embedded parts. --liftoff-only: V8 runs the embedded PostgreSQL (WebAssembly) on its baseline compiler
// only. Its optimising tier compiles PostgreSQL's hot functions in the background with hundreds of MB of
// transient memory (first start ~0.9 GB resident instead of ~0.3 GB; docs/PERFORMANCE.md); the service's
// own JavaScript is not WebAssembly and is unaffected. The heap limits are start:prod's.
export const START_FLAGS = [
  '--liftoff-only',
  '--max-semi-space-size=16',
  '--max-old-space-size=160',
  '--enable-source-maps',
];
