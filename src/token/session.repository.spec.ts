import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { SessionRepository, SPEND_STALL_MS } from './session.repository.js';

interface SentStatement {
  jtis: string[];
  sentAt: number;
  /** Answers the statement: every token in it spent. */
  answer(): void;
  fail(error: unknown): void;
}

/**
 * A database whose spend statements answer only when the test says so: a PostgreSQL server (pg's pool,
 * named statements) or, with `embedded`, the in-process database (TypeORM query runners).
 */
function fakePool(options: { embedded?: boolean } = {}) {
  const sent: SentStatement[] = [];
  const run = (values: unknown[]) =>
    new Promise<unknown[]>((resolve, reject) => {
      const jtis = values[0] as string[];
      sent.push({
        jtis,
        sentAt: performance.now(),
        answer: () =>
          resolve(jtis.map((jti) => ({ jti, sessionId: `s-${jti}`, userId: '7', sessionExpiresAt: new Date(0) }))),
        fail: reject,
      });
    });
  const db = options.embedded
    ? {
        driver: { master: { options: { pglite: {} } } },
        manager: {
          dataSource: {
            createQueryRunner: () => ({
              query: async (_text: string, values: unknown[]) => ({ records: await run(values) }),
              release: async () => undefined,
            }),
          },
        },
      }
    : {
        driver: {
          master: {
            options: {},
            query: async ({ values }: { values: unknown[] }) => ({ rows: await run(values) }),
          },
        },
      };
  return { sent, repository: new SessionRepository(db as unknown as DataSource) };
}

/** Lets the current turn of the event loop end (the batch is sent at its end). */
const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Lets an answered statement's callers and the next send run (a few turns, well under SPEND_STALL_MS). */
async function afterAnswer(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await endOfTurn();
}

function spend(repository: SessionRepository, jti: string) {
  return repository.spendRefreshToken(jti, randomUUID(), new Date(), new Date(Date.now() + 60_000));
}

describe('SessionRepository refresh spends', () => {
  it('sends the spends of one turn as one statement, each caller getting its own token back', async () => {
    const { sent, repository } = fakePool();
    const jtis = [randomUUID(), randomUUID(), randomUUID()];
    const spends = jtis.map((jti) => spend(repository, jti));
    await endOfTurn();
    expect(sent.map((statement) => statement.jtis)).toEqual([jtis]);
    sent[0].answer();
    expect((await Promise.all(spends)).map((spent) => spent?.sessionId)).toEqual(jtis.map((jti) => `s-${jti}`));
  });

  it('holds the spends of later turns while a statement is out, then sends them together in one', async () => {
    const { sent, repository } = fakePool();
    const first = spend(repository, randomUUID());
    await endOfTurn();
    const later = [randomUUID(), randomUUID(), randomUUID()];
    const laterSpends: ReturnType<typeof spend>[] = [];
    for (const jti of later) {
      laterSpends.push(spend(repository, jti));
      await endOfTurn();
    }
    expect(sent).toHaveLength(1);

    sent[0].answer();
    await first;
    await afterAnswer();
    expect(sent).toHaveLength(2);
    expect(sent[1].jtis).toEqual(later);
    sent[1].answer();
    expect((await Promise.all(laterSpends)).map((spent) => spent?.sessionId)).toEqual(later.map((jti) => `s-${jti}`));
  });

  it('sends the next statement when the one out has not answered within SPEND_STALL_MS', async () => {
    const { sent, repository } = fakePool();
    const stuck = spend(repository, randomUUID());
    await endOfTurn();
    const next = spend(repository, randomUUID());
    await endOfTurn();
    expect(sent).toHaveLength(1);

    await delay(SPEND_STALL_MS * 3);
    expect(sent).toHaveLength(2);
    expect(sent[1].sentAt - sent[0].sentAt).toBeGreaterThanOrEqual(SPEND_STALL_MS - 1);
    // The second answers while the first is still held up.
    sent[1].answer();
    expect(await next).not.toBeNull();
    sent[0].answer();
    expect(await stuck).not.toBeNull();
  });

  it('puts a token presented twice in one turn into a statement of its own, sent after the first answered', async () => {
    const { sent, repository } = fakePool();
    const jti = randomUUID();
    const spends = [spend(repository, jti), spend(repository, jti)];
    await endOfTurn();
    expect(sent.map((statement) => statement.jtis)).toEqual([[jti]]);
    sent[0].answer();
    await spends[0];
    await afterAnswer();
    expect(sent.map((statement) => statement.jtis)).toEqual([[jti], [jti]]);
    sent[1].answer();
    await spends[1];
  });

  it('fails every spend of a failed statement with its error, and sends the next batch after it', async () => {
    const { sent, repository } = fakePool();
    const failing = [spend(repository, randomUUID()), spend(repository, randomUUID())];
    await endOfTurn();
    const after = spend(repository, randomUUID());
    await endOfTurn();
    const lost = new Error('connection lost');
    sent[0].fail(lost);
    await expect(Promise.all(failing)).rejects.toBe(lost);
    await afterAnswer();
    expect(sent).toHaveLength(2);
    sent[1].answer();
    expect(await after).not.toBeNull();
  });

  it('on the embedded database, sends the spends of each turn at its end, even while a statement is out', async () => {
    const { sent, repository } = fakePool({ embedded: true });
    const first = spend(repository, randomUUID());
    await endOfTurn();
    const second = spend(repository, randomUUID());
    await endOfTurn();
    expect(sent).toHaveLength(2);
    sent[1].answer();
    sent[0].answer();
    expect(await Promise.all([first, second])).not.toContain(null);
  });

  it('refuses a jti that is not a UUID without sending it', async () => {
    const { sent, repository } = fakePool();
    expect(await spend(repository, 'not-a-uuid')).toBeNull();
    await endOfTurn();
    expect(sent).toHaveLength(0);
  });
});
