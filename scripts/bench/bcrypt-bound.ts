import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';

export interface BcryptBound {
  cost: number;
  cores: number;
  /**
   * Milliseconds of one bcrypt comparison at `cost`, on one core: the median of
   * the samples, or cores × 1000 / loginsPerSecond for a bound over slices.
   */
  msPerHash: number;
  /** cores × 1000 / msPerHash: logins per second if bcrypt were all a login did. */
  loginsPerSecond: number;
  /** Each comparison's milliseconds, in the order measured. */
  samples: number[];
}

/** The bound of one measurement: the median of its samples, on `cores` cores. */
export function boundOf(cost: number, samples: number[], cores = availableParallelism()): BcryptBound {
  const sorted = [...samples].sort((a, b) => a - b);
  const msPerHash = sorted[Math.floor(sorted.length / 2)];
  return { cost, cores, msPerHash, loginsPerSecond: (cores * 1000) / msPerHash, samples };
}

/**
 * The bound over a load that ran in slices, from bounds measured before,
 * between and after them (`points[i]` before slice i, `points[i + 1]` after
 * it). Each point's rate is cores × 1000 / its median; a slice's bound is the
 * mean of the rates at its two ends, and the run's bound the mean of the
 * slices' bounds. The login rate it is compared with is the mean over the same
 * slices (equal lengths), so a slow stretch of the machine weighs in both
 * alike; a median of all the samples together would leave it out of the
 * bound only.
 */
export function boundOverSlices(points: BcryptBound[]): BcryptBound {
  if (points.length < 2) throw new Error('a bound over slices needs a point before and after each slice');
  const rates = points.map((point) => point.loginsPerSecond);
  let sum = 0;
  for (let slice = 0; slice < rates.length - 1; slice++) sum += (rates[slice] + rates[slice + 1]) / 2;
  const loginsPerSecond = sum / (rates.length - 1);
  const cores = points[0].cores;
  return {
    cost: points[0].cost,
    cores,
    msPerHash: (cores * 1000) / loginsPerSecond,
    loginsPerSecond,
    samples: points.flatMap((point) => point.samples),
  };
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
