// `npm run doctor`: checks the social-login configuration (environment and .env) without starting the
// service, and prints what to register in each provider's console. Exit code 1 on errors.
import { ensureBuilt } from './ensure-built.mjs';

await ensureBuilt('dist/src/oauth/doctor/oauth-doctor.js');
const { loadEnvFile } = await import('../dist/src/config/env-file.js');
const { runDoctor } = await import('../dist/src/oauth/doctor/oauth-doctor.js');
loadEnvFile();
process.exit(runDoctor(process.env, (text) => console.log(text)));
