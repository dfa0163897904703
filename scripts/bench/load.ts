import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds of load whose responses are not counted (the server warms up; connections open). */
  warmupS: number;
  /** Seconds measured, right after the warm-up, in the same run. */
  durationS: number;
  /** Requests per second across all connections (soak); unlimited when unset. */
  overallRate?: number;
  requests: autocannon.Request[];
  /** Per connection, once: e.g. its own token header, so requests need no per-request rebuild. */
  setupClient?: (client: autocannon.Client) => void;
  /** Called about once a second while running, with the seconds since the start. */
  onTick?: (elapsedS: number) => void;
  /** Receives the latency (ms) of each response in the measured window, e.g. to merge slices (mergeLoads). */
  latencies?: number[];
}

export interface LoadResult {
  /** Seconds measured (after the warm-up). */
  durationS: number;
  /** Responses per second in the measured window. */
  rps: number;
  responses: number;
  /** Latency percentiles (ms) of the responses in the measured window. */
  p50: number;
  p99: number;
  /** By status code, in the measured window. */
  statuses: Record<string, number>;
  /** Errors without a response (connection errors, timeouts) in the measured window. */
  socketErrors: number;
  /** Whole run, warm-up included. */
  run: {
    sent: number;
    responses: number;
    statuses: Record<string, number>;
  };
  /** Wall-clock start of the measured window (ms since the epoch), and its end. */
  window: { from: number; to: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/**
 * One autocannon run (in this process; the server is another process, so they
 * share no event loop): warm-up then measurement without a break, so nothing
 * the warm-up left in flight is abandoned at the start of the measured window.
 * Each response is timestamped and only those in the window are counted.
 */
export function runLoad(options: LoadOptions, register?: (instance: autocannon.Instance) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const windowFrom = started + options.warmupS * 1000;
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const runStatuses: Record<string, number> = {};
    let socketErrors = 0;
    let runResponses = 0;
    let lastAt = windowFrom;
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.warmupS + options.durationS,
        overallRate: options.overallRate,
        requests: options.requests,
        setupClient: options.setupClient,
        timeout: 30,
      },
      (error: Error | null, result: autocannon.Result) => {
        clearInterval(ticker);
        if (error) {
          reject(error);
          return;
        }
        const windowTo = Math.max(lastAt, Math.min(Date.now(), windowFrom + options.durationS * 1000));
        const durationS = Math.max(0.001, (windowTo - windowFrom) / 1000);
        const sorted = Float64Array.from(latencies).sort();
        const responses = latencies.length;
        resolve({
          durationS,
          rps: responses / durationS,
          responses,
          p50: Math.round(percentile(sorted, 0.5) * 10) / 10,
          p99: Math.round(percentile(sorted, 0.99) * 10) / 10,
          statuses,
          socketErrors,
          run: { sent: result.requests.sent, responses: runResponses, statuses: runStatuses },
          window: { from: windowFrom, to: windowTo },
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const now = Date.now();
      runResponses++;
      runStatuses[statusCode] = (runStatuses[statusCode] ?? 0) + 1;
      if (now < windowFrom) return;
      lastAt = now;
      latencies.push(responseTime);
      options.latencies?.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
    instance.on('reqError', () => {
      if (Date.now() >= windowFrom) socketErrors++;
    });
    const ticker = setInterval(() => options.onTick?.((Date.now() - started) / 1000), 1_000);
    register?.(instance);
  });
}

/**
 * One result from the slices of a load measured in turns with others: responses, statuses and errors
 * summed, requests/s over the slices' measured seconds, percentiles over every latency the slices kept
 * (`LoadOptions.latencies`), the window from the first slice's start to the last one's end.
 */
export function mergeLoads(slices: readonly LoadResult[], latencies: readonly number[]): LoadResult {
  if (slices.length === 0) throw new Error('mergeLoads: no slices');
  const sum = (pick: (slice: LoadResult) => number) => slices.reduce((total, slice) => total + pick(slice), 0);
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [code, count] of Object.entries(from)) into[code] = (into[code] ?? 0) + count;
    return into;
  };
  const durationS = sum((slice) => slice.durationS);
  const responses = sum((slice) => slice.responses);
  const sorted = Float64Array.from(latencies).sort();
  return {
    durationS,
    rps: responses / durationS,
    responses,
    p50: Math.round(percentile(sorted, 0.5) * 10) / 10,
    p99: Math.round(percentile(sorted, 0.99) * 10) / 10,
    statuses: slices.reduce((into, slice) => add(into, slice.statuses), {} as Record<string, number>),
    socketErrors: sum((slice) => slice.socketErrors),
    run: {
      sent: sum((slice) => slice.run.sent),
      responses: sum((slice) => slice.run.responses),
      statuses: slices.reduce((into, slice) => add(into, slice.run.statuses), {} as Record<string, number>),
    },
    window: { from: slices[0].window.from, to: slices[slices.length - 1].window.to },
  };
}

/** Responses other than the expected status, plus requests that got no response. */
export function unexpected(result: LoadResult, expected: number): number {
  const other = Object.entries(result.statuses)
    .filter(([code]) => Number(code) !== expected)
    .reduce((sum, [, count]) => sum + count, 0);
  return other + result.socketErrors;
}
