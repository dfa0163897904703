import { isIP } from 'node:net';

/**
 * Parsers for environment variables. Every failure names the variable, so a
 * wrong value stops the start with a message an operator can act on.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

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
  const ms = parseDuration(present(env, name) ?? fallback, name);
  if (ms < min) throw new ConfigError(`${name}: must be at least ${min} ms`);
  return ms;
}

export function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name}: "${raw}" is not a whole number`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name}: ${value} is outside ${min}..${max}`);
  }
  return value;
}

export function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name}: "${raw}" is not a boolean (true/false)`);
}

export function urlVar(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = present(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}: "${redactUrl(raw)}" is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name}: protocol must be one of ${protocols.join(', ')}`);
  }
  return raw;
}

export function timezoneVar(env: Env, name: string, fallback: string): string {
  const zone = present(env, name) ?? fallback;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ConfigError(`${name}: "${zone}" is not an IANA time zone`);
  }
  return zone;
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
