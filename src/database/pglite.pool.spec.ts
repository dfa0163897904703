import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { pgliteDriver, PGlitePool } from './pglite.pool.js';

/**
 * PGlite is one session. These check that the pool lends it to one query
 * runner at a time, so two TypeORM transactions never mix their statements.
 */
describe('PGlitePool under TypeORM', () => {
  let db: DataSource;
  let pool: PGlitePool;
  let connect: PGlitePool['connect'];
  /** Resolves when the pool has been asked for its session `count` more times. */
  let connectRequests: (count: number) => Promise<void>;

  beforeAll(async () => {
    db = new DataSource({
      type: 'postgres',
      driver: pgliteDriver,
      extra: { pglite: await PGlite.create('memory://') },
    });
    await db.initialize();
    await db.query(`CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)`);
    pool = (db.driver as unknown as { master: PGlitePool }).master;
    expect(pool).toBeInstanceOf(PGlitePool);
    connect = pool.connect.bind(pool);
  });

  beforeEach(async () => {
    await db.query(`DELETE FROM counter`);
    await db.query(`INSERT INTO counter (id, n) VALUES (1, 0)`);
    let requests = 0;
    const waiters: { at: number; resolve: () => void }[] = [];
    pool.connect = (callback) => {
      requests++;
      for (const waiter of waiters.filter((w) => w.at <= requests)) waiter.resolve();
      connect(callback);
    };
    connectRequests = (count) => {
      const at = requests + count;
      return new Promise((resolve) => (at <= requests ? resolve() : waiters.push({ at, resolve })));
    };
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const counter = async () => (await db.query<{ n: number }[]>(`SELECT n FROM counter WHERE id = 1`))[0].n;

  it('runs two read-modify-write transactions one after the other: the counter ends at +2', async () => {
    // The first transaction pauses between its read and its write until the second has asked for
    // the session; a pool that shared it would let the second read the same value and lose an update.
    const otherAsked = connectRequests(2);
    const first = db.transaction(async (manager) => {
      const [{ n }] = await manager.query<{ n: number }[]>(`SELECT n FROM counter WHERE id = 1`);
      await otherAsked;
      await manager.query(`UPDATE counter SET n = $1 WHERE id = 1`, [n + 1]);
    });
    const second = db.transaction(async (manager) => {
      const [{ n }] = await manager.query<{ n: number }[]>(`SELECT n FROM counter WHERE id = 1`);
      await manager.query(`UPDATE counter SET n = $1 WHERE id = 1`, [n + 1]);
    });

    await Promise.all([first, second]);

    expect(await counter()).toBe(2);
  });

  it('keeps a query outside the transaction from seeing its uncommitted writes', async () => {
    const outsideAsked = connectRequests(1);
    let outside: Promise<number> | undefined;
    const failing = db.transaction(async (manager) => {
      await manager.query(`UPDATE counter SET n = 100 WHERE id = 1`);
      outside = counter();
      await outsideAsked;
      throw new Error('roll back');
    });

    await expect(failing).rejects.toThrow('roll back');
    expect(await outside).toBe(0);
    expect(await counter()).toBe(0);
  });

  it('hands the session on after a failed transaction', async () => {
    await expect(
      db.transaction(async (manager) => {
        await manager.query(`UPDATE counter SET n = n + 1 WHERE id = 1`);
        await manager.query(`SELECT * FROM no_such_table`);
      }),
    ).rejects.toThrow();

    await db.transaction(async (manager) => {
      await manager.query(`UPDATE counter SET n = n + 5 WHERE id = 1`);
    });
    expect(await counter()).toBe(5);
  });

  it('serves many concurrent transactions in turn without losing one', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction(async (manager) => {
          const [{ n }] = await manager.query<{ n: number }[]>(`SELECT n FROM counter WHERE id = 1`);
          await manager.query(`UPDATE counter SET n = $1 WHERE id = 1`, [n + 1]);
        }),
      ),
    );
    expect(await counter()).toBe(20);
  });
});
