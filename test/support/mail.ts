import type { TestApp } from './test-app.js';

/** Resolves once the mails and other work started after answers have finished. */
export async function backgroundIdle(t: TestApp): Promise<void> {
  const { BackgroundTasks } = await import('../../src/common/async/background-tasks.js');
  await t.app.get(BackgroundTasks).idle();
}

/** The token of a reset link in a mail's text. */
export function resetTokenFrom(text: string): string {
  const match = /링크: (\S+)/.exec(text);
  if (!match) throw new Error(`no link in mail: ${text}`);
  const token = new URL(match[1]).searchParams.get('token');
  if (!token) throw new Error(`no token in ${match[1]}`);
  return token;
}
