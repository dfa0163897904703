import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';

export interface BcryptBound {
  cost: number;
  cores: number;
  /** Median milliseconds of one bcrypt comparison at `cost`, on one core. */
  msPerHash: number;
  /** cores × 1000 / msPerHash: logins per second if bcrypt were all a login did. */
  loginsPerSecond: number;
}

/**
 * The ceiling on logins per second: each one does a bcrypt comparison at the
 * configured cost, and no machine does more of them than its cores allow.
 * Measured with the same library the service uses, one comparison at a time.
 */
export function measureBcryptBound(cost: number, samples: number): BcryptBound {
  const password = 'bench-password-prehashed-to-44-bytes-base64=';
  const hash = bcrypt.hashSync(password, cost);
  bcrypt.compareSync(password, hash);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    bcrypt.compareSync(password, hash);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const msPerHash = times[Math.floor(times.length / 2)];
  const cores = availableParallelism();
  return { cost, cores, msPerHash, loginsPerSecond: (cores * 1000) / msPerHash };
}
