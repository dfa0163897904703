import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by package (node_modules/<name>), `app` (dist/src), `node` internals, or a V8 bucket. */
  byArea: { area: string; ms: number; share: number }[];
  /** Self time by function. */
  byFunction: { fn: string; area: string; ms: number; share: number }[];
}

function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : 'native';
  if (url.startsWith('node:')) return 'node';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.includes('/dist/src/')) return 'app';
  return url.replace(/^file:\/\//, '');
}

/** Where a `node --cpu-prof` profile spent its time, by self time. */
export function summariseProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, { area: string; ms: number }>();
  let totalMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    totalMs += ms;
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const file = url.replace(/^.*\/(node_modules|dist)\//, '$1/');
    const fn = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    const entry = functions.get(fn) ?? { area, ms: 0 };
    entry.ms += ms;
    functions.set(fn, entry);
  }
  const busyMs = totalMs - (areas.get('(idle)') ?? 0);
  return {
    totalMs,
    byArea: [...areas]
      .map(([area, ms]) => ({ area, ms, share: ms / busyMs }))
      .filter((entry) => entry.area !== '(idle)')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
    byFunction: [...functions]
      .map(([fn, entry]) => ({ fn, area: entry.area, ms: entry.ms, share: entry.ms / busyMs }))
      .filter((entry) => entry.area !== '(idle)')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
  };
}

export function printProfile(path: string): void {
  const summary = summariseProfile(path);
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  console.log(`\nprofile ${path} (busy time, idle excluded)`);
  console.log('  by area:');
  for (const entry of summary.byArea.slice(0, 15)) console.log(`    ${pct(entry.share)}  ${entry.area}`);
  console.log('  by function (self time):');
  for (const entry of summary.byFunction) console.log(`    ${pct(entry.share)}  ${entry.fn}`);
}

// `node scripts/bench/profile-summary.ts <file.cpuprofile>` prints one profile.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) printProfile(file);
}
