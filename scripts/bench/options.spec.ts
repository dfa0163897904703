import { parseOptions } from './options.ts';

describe('parseOptions: scenarios', () => {
  it('leaves the opt-in bare route without ETag out of a full run and of a quick one', () => {
    const full = parseOptions([]).scenarios;
    const quick = parseOptions(['--quick']).scenarios;
    expect(full.has('bare-noetag')).toBe(false);
    expect(quick.has('bare-noetag')).toBe(false);
    expect(full.has('bare')).toBe(true);
    expect(full.has('soak')).toBe(true);
    expect(quick.has('me')).toBe(true);
    expect(quick.has('soak')).toBe(false);
  });

  it('measures it when --only names it, and only what --only names', () => {
    const { scenarios } = parseOptions(['--quick', '--only=bare,bare-noetag,me']);
    expect([...scenarios]).toEqual(['bare', 'bare-noetag', 'me']);
  });

  it('refuses a scenario it does not know', () => {
    expect(() => parseOptions(['--only=bare,bare-etag'])).toThrow('--only: unknown scenario "bare-etag"');
  });
});

describe('parseOptions: where the report goes', () => {
  it('writes docs/PERFORMANCE.md for a full run of every row, and bench-results/ for a quick or partial one', () => {
    expect(parseOptions([]).writeDocs).toBe(true);
    expect(parseOptions(['--runs=3']).writeDocs).toBe(true);
    expect(parseOptions(['--quick']).writeDocs).toBe(false);
    expect(parseOptions(['--runs=2', '--only=bare,me,refresh']).writeDocs).toBe(false);
  });

  it('writes the docs from a quick or partial run when asked with --docs', () => {
    expect(parseOptions(['--quick', '--docs']).writeDocs).toBe(true);
    expect(parseOptions(['--only=refresh', '--docs']).writeDocs).toBe(true);
  });
});
