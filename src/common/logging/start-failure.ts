import { LOG_LEVELS, type LogLevel } from '../../config/app.config.js';
import { type Env, isConfigError, isProduction } from '../../config/env.parsers.js';
import { chooseLogFormat, createRootLogger } from './logger.js';

/** LOG_LEVEL when it is one of pino's levels, else `info` (a wrong one is among the problems reported). */
function usableLevel(raw: string | undefined): LogLevel {
  const level = raw?.trim().toLowerCase();
  return LOG_LEVELS.find((known) => known === level) ?? 'info';
}

/**
 * Reports why the service could not start: on stderr for the person at the
 * terminal, and as one `fatal` log record whose message holds the reason for
 * the log collector. A configuration error lists every problem, one a line.
 */
export function reportStartFailure(error: unknown, env: Env, context = 'Bootstrap'): void {
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  const logger = createRootLogger(
    usableLevel(env.LOG_LEVEL),
    chooseLogFormat(
      format === 'json' || format === 'pretty' ? format : 'auto',
      process.stdout.isTTY === true,
      isProduction(env),
    ),
  );
  if (isConfigError(error)) {
    const lines = error.problems.map((problem) => `  - ${problem}`).join('\n');
    process.stderr.write(
      `Failed to start: ${error.problems.length === 1 ? 'a configuration problem' : `${error.problems.length} configuration problems`}\n${lines}\n`,
    );
    logger.fatal({ context, problems: error.problems }, `Failed to start: ${error.message}`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
  logger.fatal({ context, err: error }, `Failed to start: ${message}`);
}
