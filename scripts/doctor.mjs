// `npm run doctor`: checks the social-login configuration (environment and .env) without starting the
// service, and prints what to register in each provider's console. Exit code 1 on errors.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const entry = 'dist/src/oauth/oauth-doctor.js';

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    latest = Math.max(latest, name.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(entry) || newest('src') > statSync(entry).mtimeMs) {
  const build = spawnSync('npx', ['nest', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { loadEnvFile } = await import('../dist/src/config/env-file.js');
const { runDoctor } = await import('../dist/src/oauth/oauth-doctor.js');
loadEnvFile();
process.exit(runDoctor(process.env, (text) => console.log(text)));
