// Builds (`nest build`) when `entry` is missing or older than any source file.
// Shared by `npm start` and `npm run doctor`, which both run the built code.
import { spawnSync } from 'node:child_process';
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

export function ensureBuilt(entry) {
  const sources = Math.max(newest('src'), newest('migrations'));
  if (existsSync(entry) && sources <= statSync(entry).mtimeMs) return;
  const build = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
