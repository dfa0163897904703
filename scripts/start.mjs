// `npm start`: builds when the build is missing or older than the sources, then runs the service.
import { spawnSync } from 'node:child_process';
import { ensureBuilt } from './ensure-built.mjs';

const entry = 'dist/src/main.js';
ensureBuilt(entry);
const run = spawnSync(process.execPath, ['--enable-source-maps', entry], { stdio: 'inherit' });
process.exit(run.status ?? 1);
