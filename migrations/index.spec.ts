import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS } from './index.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts' && !name.endsWith('.spec.ts'))
  .sort();

describe('MIGRATIONS', () => {
  it('finds migration files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('lists the class of %s', async (file) => {
    expect(file).toMatch(/^\d{13}-[A-Z][A-Za-z0-9]*\.ts$/);
    const exported = Object.values((await import(`./${file.replace(/\.ts$/, '.js')}`)) as Record<string, unknown>);
    const classes = exported.filter((value) => typeof value === 'function');
    expect(classes).toHaveLength(1);
    const [timestamp, name] = file.replace(/\.ts$/, '').split('-');
    expect((classes[0] as { name: string }).name).toBe(`${name}${timestamp}`);
    expect(MIGRATIONS).toContain(classes[0]);
  });

  it('lists each migration once, oldest first', () => {
    expect(new Set(MIGRATIONS).size).toBe(MIGRATIONS.length);
    expect(MIGRATIONS).toHaveLength(files.length);
    const stamps = MIGRATIONS.map((migration) => Number(/\d{13}$/.exec(migration.name)?.[0]));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });
});
