import { isProduction, present, reportProblem, type Env } from './env.parsers.js';

/** Production refuses an embedded part: `name` unset (and no other way given) is a problem there. */
export function requiredInProduction(env: Env, name: string, accepts: string, givenOtherwise = false): void {
  // Unset only: a value that is set but wrong has its own problem.
  if (isProduction(env) && present(env, name) === undefined && !givenOtherwise) {
    reportProblem(`${name}: required when NODE_ENV=production (${accepts})`);
  }
}
