import { InitialSchema1795241685235 } from './1795241685235-InitialSchema.js';
import { AccountAfterSignIn1796136519865 } from './1796136519865-AccountAfterSignIn.js';

/**
 * Every migration, in order. `npm run migration:generate -- migrations/<Name>`
 * writes a new file here; add its class to this list (a unit test checks none is missing).
 */
export const MIGRATIONS = [InitialSchema1795241685235, AccountAfterSignIn1796136519865];
