/**
 * The `npm run doctor` entry (scripts/doctor.mjs builds the service, then
 * runs this): checks the social-login configuration of the environment and
 * `.env` without starting the service, prints what to register in each
 * provider's console, and exits 1 on errors.
 */
import { loadEnvFile } from '../../config/env-file.js';
import { runDoctor } from './oauth-doctor.js';

process.exit(runDoctor(loadEnvFile(), (text) => console.log(text)));
