// Builds (`nest build`) when `entry` is missing or older than any source file, and says so: the build
// takes 10–20 s. Shared by `npm start` and `npm run doctor`, which both run the built code.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    latest = Math.max(latest, name.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Resolves once `entry` is up to date; exits the process when the build fails. */
export async function ensureBuilt(entry) {
  const sources = Math.max(newest('src'), newest('migrations'));
  if (existsSync(entry) && sources <= statSync(entry).mtimeMs) return;
  const why = existsSync(entry) ? 'the sources changed since the last build' : 'there is no build yet';
  process.stderr.write(`Building the service (nest build: TypeScript to dist/) because ${why}; this takes 10–20 s…\n`);
  const started = Date.now();
  // The CLI's own entry on this Node, without npx or a shell: nothing else to resolve or to signal.
  const build = spawn(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build'], { stdio: 'inherit' });
  // Ctrl-C or SIGTERM during the build stops the build too.
  const stop = (signal) => build.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise((resolve) => build.once('exit', (status, signal) => resolve(signal ? 1 : status)));
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (code !== 0) {
    process.stderr.write('The build failed (see above); nothing was started.\n');
    process.exit(code ?? 1);
  }
  process.stderr.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}
