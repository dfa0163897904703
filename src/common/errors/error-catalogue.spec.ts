import { readFileSync } from 'node:fs';
import { ERRORS } from './error-catalogue.js';

describe('the error catalogue', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  // The catalogue table only: other tables (troubleshooting) mention codes too.
  const section = readme.slice(
    readme.indexOf('## Error catalogue'),
    readme.indexOf('\n## ', readme.indexOf('## Error catalogue') + 1),
  );

  it.each(Object.entries(ERRORS).filter(([code]) => code !== 'VALIDATION_FAILED'))(
    'README lists %s with its status and exact message',
    (code, { status, message }) => {
      const row = section.split('\n').find((line) => line.includes(`| \`${code}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(`| ${status} |`);
      expect(row).toContain(`| ${message}`);
    },
  );

  it('gives each message to one code, except the failure text all social providers share', () => {
    const owners = new Map<string, string[]>();
    for (const [code, { message }] of Object.entries(ERRORS))
      owners.set(message, [...(owners.get(message) ?? []), code]);
    const shared = [...owners.values()].filter((codes) => codes.length > 1);
    expect(shared).toEqual([['KAKAO_AUTH_FAILED', 'GOOGLE_AUTH_FAILED', 'GITHUB_AUTH_FAILED', 'NAVER_AUTH_FAILED']]);
  });
});
