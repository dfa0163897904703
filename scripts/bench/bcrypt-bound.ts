import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';

export interface BcryptBound {
  cost: number;
  cores: number;
  /** Median milliseconds of one bcrypt comparison at `cost`, on one core. */
  msPerHash: number;
  /** cores × 1000 / msPerHash: logins per second if bcrypt were all a login did. */
  loginsPerSecond: number;
  /** Each comparison's milliseconds, in the order measured. */
  samples: number[];
}

function boundOf(cost: number, samples: number[]): BcryptBound {
  const sorted = [...samples].sort((a, b) => a - b);
  const msPerHash = sorted[Math.floor(sorted.length / 2)];
  const cores = availableParallelism();
  return { cost, cores, msPerHash, loginsPerSecond: (cores * 1000) / msPerHash, samples };
}

/**
 * One bound from the samples of several measurements (the median of all of
 * them): e.g. those taken right before and right after the login load, so the
 * bound stands for the machine as it was while logins were measured.
 */
export function mergeBounds(...bounds: BcryptBound[]): BcryptBound {
  return boundOf(
    bounds[0].cost,
    bounds.flatMap((bound) => bound.samples),
  );
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
  return boundOf(cost, times);
}
