import { isIP } from 'node:net';

/**
 * Parsers for environment variables. Every failure names the variable and
 * what it accepts, so a wrong value stops the start with a message an
 * operator can act on. While `collectProblems` runs (the one validation step
 * at boot, see config.validation.ts) a parser records its problem and returns
 * the default instead of throwing, so one start lists every problem at once.
 */
export class ConfigError extends Error {
  /** Each problem as `VARIABLE: what is wrong and what it accepts`. */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [message]) {
    super(message);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError || (error instanceof Error && error.name === 'ConfigError');
}

let collecting: string[] | undefined;

/**
 * Reports one problem, written `VARIABLE: what is wrong and what it accepts`.
 * Recorded while `collectProblems` runs; thrown as a ConfigError otherwise.
 */
export function reportProblem(message: string): void {
  if (collecting === undefined) throw new ConfigError(message);
  if (!collecting.includes(message)) collecting.push(message);
}

/**
 * Runs `read` with every parser recording its problem instead of throwing,
 * and returns the problems. A ConfigError that `read` throws itself (a check
 * written as `throw`) is recorded too; it only ends that one reader early.
 */
export function collectProblems(read: () => unknown): string[] {
  const outer = collecting;
  const problems: string[] = [];
  collecting = problems;
  try {
    read();
  } catch (error) {
    if (!isConfigError(error)) throw error;
    for (const problem of error.problems) if (!problems.includes(problem)) problems.push(problem);
  } finally {
    collecting = outer;
  }
  return problems;
}

/** The value `read` gives, or while collecting, `fallback()` after recording the problem. */
function orFallback<T>(read: () => T, fallback: () => T): T {
  try {
    return read();
  } catch (error) {
    if (collecting === undefined || !isConfigError(error)) throw error;
    for (const problem of error.problems) reportProblem(problem);
    return fallback();
  }
}

/** The variables the service reads: the process environment in production, a test's own in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

const DURATION = /^(\d+)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `5m`, `1h`, `7d`, `250ms`; a bare number means seconds. Returns milliseconds. */
export function parseDuration(raw: string, name: string): number {
  const match = DURATION.exec(raw.trim());
  if (!match) {
    throw new ConfigError(`${name}: "${raw}" is not a duration (use e.g. 30s, 5m, 1h, 7d)`);
  }
  const unit = match[2] ?? 's';
  const ms = Number(match[1]) * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) {
    throw new ConfigError(`${name}: "${raw}" is too large`);
  }
  return ms;
}

export function present(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function durationVar(env: Env, name: string, fallback: string, min = 1): number {
  return orFallback(
    () => {
      const ms = parseDuration(present(env, name) ?? fallback, name);
      if (ms < min) throw new ConfigError(`${name}: must be at least ${min} ms (use e.g. 30s, 5m, 1h, 7d)`);
      return ms;
    },
    () => parseDuration(fallback, name),
  );
}

export function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  return orFallback(
    () => {
      const raw = present(env, name);
      if (raw === undefined) return fallback;
      if (!/^-?\d+$/.test(raw)) {
        throw new ConfigError(`${name}: "${raw}" is not a whole number (use one from ${min} to ${max})`);
      }
      const value = Number(raw);
      if (value < min || value > max) {
        throw new ConfigError(`${name}: ${value} is outside ${min}..${max}`);
      }
      return value;
    },
    () => fallback,
  );
}

export function boolVar(env: Env, name: string, fallback: boolean): boolean {
  return orFallback(
    () => {
      const raw = present(env, name);
      if (raw === undefined) return fallback;
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`${name}: "${raw}" is not a boolean (true/false)`);
    },
    () => fallback,
  );
}

export function urlVar(env: Env, name: string, protocols: string[]): string | undefined {
  return orFallback(
    () => {
      const raw = present(env, name);
      if (raw === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError(`${name}: "${redactUrl(raw)}" is not a URL (use a ${protocols.join(' or ')}// URL)`);
      }
      if (!protocols.includes(url.protocol)) {
        throw new ConfigError(`${name}: protocol must be one of ${protocols.join(', ')}`);
      }
      return raw;
    },
    () => undefined,
  );
}

export function timezoneVar(env: Env, name: string, fallback: string): string {
  return orFallback(
    () => {
      const zone = present(env, name) ?? fallback;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
      } catch {
        throw new ConfigError(`${name}: "${zone}" is not an IANA time zone (e.g. Asia/Seoul, UTC)`);
      }
      return zone;
    },
    () => fallback,
  );
}

/** One of a fixed list of words (case-insensitive), e.g. LOG_LEVEL. */
export function oneOfVar<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  return orFallback(
    () => {
      const raw = present(env, name);
      if (raw === undefined) return fallback;
      const value = allowed.find((word) => word === raw.toLowerCase());
      if (value === undefined) throw new ConfigError(`${name}: "${raw}" is not one of ${allowed.join(', ')}`);
      return value;
    },
    () => fallback,
  );
}

export function isProduction(env: Env): boolean {
  return env.NODE_ENV === 'production';
}

/** Hides the password of a connection URL in messages. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** One node of a Redis Cluster or Sentinel list. */
export interface RedisNodeAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * A comma-separated list of `host:port` or `redis[s]://[user:password@]host:port`
 * (REDIS_CLUSTER_NODES, REDIS_SENTINELS). A missing port is `defaultPort`.
 */
export function redisNodesVar(env: Env, name: string, defaultPort: number): RedisNodeAddress[] | undefined {
  const raw = present(env, name);
  if (raw === undefined) return undefined;
  const nodes = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      // Whatever sits before an @ may be a password: never repeated in a message.
      const shown = entry.replace(/^([a-z]+:\/\/)?[^@/]*@/i, '$1***@');
      let url: URL;
      try {
        url = new URL(entry.includes('://') ? entry : `redis://${entry}`);
      } catch {
        throw new ConfigError(`${name}: "${shown}" is not host:port or a redis:// URL`);
      }
      if (!['redis:', 'rediss:'].includes(url.protocol)) {
        throw new ConfigError(`${name}: protocol must be one of redis:, rediss:`);
      }
      if (!url.hostname || (url.pathname !== '' && url.pathname !== '/') || url.search !== '') {
        throw new ConfigError(`${name}: "${shown}" is not host:port or a redis:// URL`);
      }
      return {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? defaultPort : Number(url.port),
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        tls: url.protocol === 'rediss:',
      };
    });
  if (nodes.length === 0) throw new ConfigError(`${name}: lists no node`);
  return nodes;
}

/**
 * What Express's `trust proxy` is given: a hop count, or the addresses/CIDRs
 * of the proxies (handed to proxy-addr). Never `true`, which trusts every
 * X-Forwarded-For entry and so lets a client choose its own address.
 */
export type TrustProxy = number | string[];

/** More reverse proxies than this in one chain is a typo: the count would reach the client's own entries. */
export const TRUST_PROXY_MAX_HOPS = 10;
const TRUST_PROXY_ACCEPTS =
  `the number of reverse proxies in front (0-${TRUST_PROXY_MAX_HOPS}) ` +
  'or a comma list of their addresses/CIDRs (e.g. 10.0.0.0/8,127.0.0.1)';
/** proxy-addr's names for address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function proxyAddressProblem(entry: string): string | undefined {
  if (PROXY_RANGE_NAMES.has(entry)) return undefined;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return `"${entry}" is not an IP address or CIDR`;
  if (slash === -1) return undefined;
  const prefix = entry.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `"${entry}" has no prefix length 0-${max}`;
  if (Number(prefix) === 0) return `"${entry}" trusts every address, so any client could choose its own`;
  return undefined;
}

/**
 * TRUST_PROXY: unset or `0` → the socket's address; a whole number → that
 * many proxies each append their peer to X-Forwarded-For; a comma list →
 * addresses/CIDRs (or proxy-addr's `loopback`, `linklocal`, `uniquelocal`)
 * whose entries are skipped from the right. `false` stays an alias of 0;
 * `true` is refused.
 */
export function trustProxyVar(env: Env, name: string): TrustProxy {
  return orFallback(
    () => readTrustProxy(env, name),
    () => 0,
  );
}

function readTrustProxy(env: Env, name: string): TrustProxy {
  const raw = present(env, name);
  if (raw === undefined || /^false$/i.test(raw)) return 0;
  if (/^true$/i.test(raw)) {
    throw new ConfigError(
      `${name}: "true" is refused: it trusts every X-Forwarded-For entry, so any client could choose its address; ` +
        `use ${TRUST_PROXY_ACCEPTS}`,
    );
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > TRUST_PROXY_MAX_HOPS) throw new ConfigError(`${name}: ${hops} is not ${TRUST_PROXY_ACCEPTS}`);
    return hops;
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  const problems = entries.map((entry) => (entry === '' ? 'an empty entry' : proxyAddressProblem(entry)));
  const problem = problems.find((found) => found !== undefined);
  if (problem !== undefined) throw new ConfigError(`${name}: ${problem}; use ${TRUST_PROXY_ACCEPTS}`);
  return entries;
}
