import { createClient } from '@redis/client';

/** How long the clean-up may wait for Redis before giving up (a fault test may have stopped it). */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Removes every key under `prefix` from the Redis at `url`: what a suite's app wrote into the
 * machine's Redis (revocation warm markers live a year) goes with the suite, as its database does.
 * A connection of its own, so it works whatever state the app's connection is in; a Redis that
 * cannot be reached leaves nothing to remove here and is not an error.
 */
export async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  if (!prefix) throw new Error('dropRedisPrefix needs a prefix: it never empties a whole Redis');
  const client = createClient({ url, socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch {
    return 0;
  }
  let removed = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 1_000 })) {
      if (keys.length > 0) removed += await client.unlink(keys);
    }
  } finally {
    client.destroy();
  }
  return removed;
}

/** A prefix taken literally in SCAN's MATCH pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
