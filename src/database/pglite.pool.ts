import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: Results['fields'];
}

type ConnectCallback = (error: Error | null, client: PGliteClient | null, release: (error?: unknown) => void) => void;

function commandOf(sql: string): string {
  const word = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  return word === 'WITH' ? 'SELECT' : word;
}

/** The pg client surface TypeORM's postgres driver uses, over one PGlite instance. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<PgLikeResult> {
    if (params && params.length > 0) {
      const result = await this.db.query(sql, params);
      return {
        rows: result.rows,
        rowCount: result.affectedRows ?? result.rows.length,
        command: commandOf(sql),
        fields: result.fields,
      };
    }
    // Without parameters a string may hold several statements (migrations); pg returns the last result.
    const results = await this.db.exec(sql);
    const last = results[results.length - 1];
    return {
      rows: last?.rows ?? [],
      rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
      command: commandOf(sql),
      fields: last?.fields ?? [],
    };
  }
}

/**
 * A pg-compatible Pool over embedded PostgreSQL (PGlite). PGlite is one
 * session, so a "connection" is lent to one query runner at a time: a
 * transaction holds it until released and never interleaves with another.
 * (A pool that hands the same session to every caller, as typeorm-pglite's
 * does, lets concurrent transactions mix their statements.)
 */
export class PGlitePool extends EventEmitter {
  private readonly client: PGliteClient;
  private readonly waiting: (() => void)[] = [];
  private busy = false;

  constructor(private readonly options: { pglite: PGlite }) {
    super();
    this.client = new PGliteClient(options.pglite);
  }

  connect(callback: ConnectCallback): void {
    const lend = () => {
      this.busy = true;
      let released = false;
      callback(null, this.client, () => {
        if (released) return;
        released = true;
        this.handOver();
      });
    };
    if (this.busy) this.waiting.push(lend);
    else lend();
  }

  private handOver(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  end(callback?: (error: Error | null) => void): void {
    this.options.pglite
      .close()
      .then(() => callback?.(null))
      .catch((error: Error) => callback?.(error));
  }
}

/** Passed to TypeORM as `driver`: the postgres driver reads only `Pool` from it. */
export const pgliteDriver = { Pool: PGlitePool };
