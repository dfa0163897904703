/** SQLSTATE classes and codes that mean "the database is not reachable right now". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is closed',
  'Cannot use a pool after calling end',
];

function errorChain(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const record = current as Record<string, unknown>;
    chain.push(record);
    current = record.driverError ?? record.cause;
  }
  return chain;
}

/**
 * True when an error thrown by TypeORM/pg means the database could not be
 * reached (as opposed to a bad query or a constraint), so the client gets 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return errorChain(error).some((entry) => {
    const code = typeof entry.code === 'string' ? entry.code : '';
    const message = typeof entry.message === 'string' ? entry.message : '';
    return (
      NETWORK_CODES.has(code) ||
      code.startsWith('08') ||
      UNAVAILABLE_SQLSTATES.has(code) ||
      PG_CONNECTION_MESSAGES.some((text) => message.includes(text))
    );
  });
}

/** The SQLSTATE of a failed query, if it has one (e.g. 23505 unique violation). */
export function sqlState(error: unknown): string | undefined {
  for (const entry of errorChain(error)) {
    if (typeof entry.code === 'string' && /^[0-9A-Z]{5}$/.test(entry.code)) return entry.code;
  }
  return undefined;
}

/** The violated constraint's name, for telling a duplicate email from a duplicate nickname. */
export function violatedConstraint(error: unknown): string | undefined {
  for (const entry of errorChain(error)) {
    if (typeof entry.constraint === 'string') return entry.constraint;
  }
  return undefined;
}
