// `npm start`: builds when the build is missing or older than the sources, then runs the service.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const entry = 'dist/src/main.js';

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    latest = Math.max(latest, name.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sourcesChanged = () => Math.max(newest('src'), newest('migrations')) > statSync(entry).mtimeMs;
if (!existsSync(entry) || sourcesChanged()) {
  const build = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, ['--enable-source-maps', entry], { stdio: 'inherit' });
process.exit(run.status ?? 1);
