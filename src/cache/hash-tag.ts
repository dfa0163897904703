/**
 * Picks one of `count` buckets for an id (FNV-1a, so the same id always lands
 * in the same bucket on every instance). Keys that must be read together in
 * one atomic multi-key command on a Redis Cluster share a bucket's hash tag
 * (`{…}`, docs/DECISIONS.md "Redis Cluster: hash tags"), and different buckets
 * spread over the cluster's slots.
 */
export function bucketOf(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}
