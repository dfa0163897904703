// `npm start`: builds when the build is missing or older than the sources, then runs the service in a
// child process and stays its parent to pass signals on: SIGTERM, SIGINT or SIGHUP to this process or to
// `npm start` above it stops the service, and this process exits with the service's status. Why a
// wrapper rather than `nest start`: docs/DECISIONS.md, "npm start".
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';
import { ensureBuilt } from './ensure-built.mjs';
import { START_FLAGS } from './start-flags.mjs';

const entry = 'dist/src/main.js';
await ensureBuilt(entry);

const child = spawn(process.execPath, [...START_FLAGS, entry], {
  stdio: ['ignore', 'inherit', 'inherit'],
  // Its own process group, so a signal reaches it once, from here: a Ctrl-C at the terminal goes to the
  // whole foreground group (npm, this process), and npm forwards it to this process as well.
  detached: true,
});
const running = () => child.exitCode === null && child.signalCode === null;

// The same Ctrl-C arrives from the terminal and from npm within milliseconds: pass it on once. A signal
// that comes later is the person insisting, and is passed on too (the service then stops at once).
let lastForwarded = 0;
const forward = (signal) => {
  if (!running() || Date.now() - lastForwarded < 1_000) return;
  lastForwarded = Date.now();
  child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
};
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, forward);

// A parent that dies without passing a signal on (a shell between npm and this process, `kill -9 npm`)
// leaves this process with a new parent: stop the service rather than leave it running unowned.
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  forward('SIGTERM');
}, 500);

child.once('error', (error) => {
  process.stderr.write(`Could not start the service: ${error.message}\n`);
  process.exit(1);
});
child.once('exit', (code, signal) => {
  clearInterval(watch);
  process.exit(code ?? (signal ? 1 : 0));
});
