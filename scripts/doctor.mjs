// `npm run doctor`: checks the social-login configuration (environment and .env) without starting the
// service, and prints what to register in each provider's console. Exit code 1 on errors.
import { ensureBuilt } from './ensure-built.mjs';

await ensureBuilt('dist/src/oauth/doctor/doctor.cli.js');
await import('../dist/src/oauth/doctor/doctor.cli.js');
