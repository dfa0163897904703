import { createClient } from '@redis/client';

/** Deletes every key under `prefix` (a run's own REDIS_PREFIX) from the Redis at `url`. */
export async function cleanRedis(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1_000 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}
