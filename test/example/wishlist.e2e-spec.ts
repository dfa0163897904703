import { bearer, expectFailure, logIn, signUp, type TestApp, useTestApp, validationFailed } from '../support/kit.js';
import { ExampleWishlist1796600000000 } from './1796600000000-ExampleWishlist.js';
import { WISHLIST_FIELD_MESSAGES as M } from './wishlist.messages.js';
import { WishlistModule } from './wishlist.module.js';

/**
 * The example feature of docs/EXTENDING.md, run as the guide tells: mounted
 * on the real app, guarded by the global JWT guard, answering catalogued
 * errors, documented in the OpenAPI document that checks every response here.
 */
const WISHLIST = '/api/example/wishlist';

/** The service's migrations ran at start; the example's runs here, as a new entry of migrations/index.ts would. */
async function migrateExample(t: TestApp): Promise<void> {
  const runner = t.db.createQueryRunner();
  try {
    await new ExampleWishlist1796600000000().up(runner);
  } finally {
    await runner.release();
  }
}

async function signedIn(t: TestApp): Promise<{ id: number; headers: { Authorization: string } }> {
  const user = await signUp(t);
  const { accessToken } = await logIn(t, user.email, user.password);
  return { id: user.id, headers: bearer(accessToken) };
}

interface ItemRow {
  user_id: number;
  name: string;
  price_won: number;
}

function rowsOf(t: TestApp, userId: number): Promise<ItemRow[]> {
  return t.db.query<ItemRow[]>(
    'SELECT user_id::integer AS user_id, name, price_won FROM example_wishlist_items WHERE user_id = $1 ORDER BY id',
    [userId],
  );
}

describe('example feature module: a wishlist of pet goods', () => {
  const t = useTestApp({}, { modules: [WishlistModule] });
  beforeAll(() => migrateExample(t));

  it('refuses a caller without an access token with 401 TOKEN_MISSING', async () => {
    await expectFailure(t, t.http.get(WISHLIST), {
      status: 401,
      errorCode: 'TOKEN_MISSING',
      message: '인증 토큰이 필요합니다.',
    });
  });

  it('refuses bad input with 400 VALIDATION_FAILED naming every failing field, and writes nothing', async () => {
    const me = await signedIn(t);
    await expectFailure(
      t,
      t.http
        .post(WISHLIST)
        .set(me.headers)
        .send({ name: '가'.repeat(51), priceWon: -1 }),
      validationFailed({ field: 'name', message: M.nameLength }, { field: 'priceWon', message: M.priceRange }),
    );
    await expectFailure(
      t,
      t.http.post(WISHLIST).set(me.headers).send({ priceWon: '15000' }),
      validationFailed({ field: 'name', message: M.nameRequired }, { field: 'priceWon', message: M.priceRange }),
    );
    expect(await rowsOf(t, me.id)).toEqual([]);
  });

  it("saves the signed-in user's items and lists only theirs, newest first", async () => {
    const me = await signedIn(t);
    const other = await signedIn(t);
    const before = t.clock.now();
    const added = await t.http.post(WISHLIST).set(me.headers).send({ name: '강아지 하네스 M', priceWon: 15000 });
    const after = t.clock.now();
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      code: { code: 201, message: '생성됨' },
      data: { name: '강아지 하네스 M', priceWon: 15000 },
    });
    // Taken from the app's Clock, which tests move with t.clock.advance().
    const createdAt = Date.parse(added.body.data.createdAt as string);
    expect(createdAt >= before && createdAt <= after).toBe(true);
    await t.http.post(WISHLIST).set(me.headers).send({ name: '고양이 스크래처', priceWon: 0 }).expect(201);
    await t.http.post(WISHLIST).set(other.headers).send({ name: '햄스터 쳇바퀴', priceWon: 8000 }).expect(201);

    const listed = await t.http.get(WISHLIST).set(me.headers).expect(200);
    const names = (listed.body.data as { name: string }[]).map((item) => item.name);
    expect(names).toEqual(['고양이 스크래처', '강아지 하네스 M']);
    expect(await rowsOf(t, me.id)).toEqual([
      { user_id: me.id, name: '강아지 하네스 M', price_won: 15000 },
      { user_id: me.id, name: '고양이 스크래처', price_won: 0 },
    ]);
  });

  it("answers 404 NOT_FOUND for another user's item and leaves it in place", async () => {
    const me = await signedIn(t);
    const other = await signedIn(t);
    const theirs = await t.http.post(WISHLIST).set(other.headers).send({ name: '강아지 방석', priceWon: 30000 });
    const path = `${WISHLIST}/${theirs.body.data.id}`;
    const notFound = { status: 404, errorCode: 'NOT_FOUND', message: '요청한 리소스를 찾을 수 없습니다.' };
    await expectFailure(t, t.http.delete(path).set(me.headers), notFound);
    await expectFailure(t, t.http.delete(`${WISHLIST}/abc`).set(me.headers), notFound);
    expect(await rowsOf(t, other.id)).toHaveLength(1);

    await t.http.delete(path).set(other.headers).expect(200);
    expect(await rowsOf(t, other.id)).toEqual([]);
  });

  it('documents its routes, with the guard and its errors, in /api/docs-json', async () => {
    const docs = await t.http.get('/api/docs-json').expect(200);
    const collection = docs.body.paths[WISHLIST];
    expect(Object.keys(collection).sort()).toEqual(['get', 'post']);
    expect(collection.post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(collection.post.responses)).toEqual(expect.arrayContaining(['201', '400', '401']));
    expect(Object.keys(docs.body.paths[`${WISHLIST}/{itemId}`].delete.responses)).toContain('404');
  });

  it('its migration creates exactly what its entity declares (the drift check CI runs on migrations/)', async () => {
    const pending = await t.db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });
});
