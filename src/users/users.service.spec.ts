import { createCache } from 'cache-manager';
import type { UserEntity } from './user.entity.js';
import type { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

const entity = (id: number, nickname: string) =>
  ({
    id: String(id),
    email: `user${id}@example.com`,
    name: '홍길동',
    nickname,
    birthDate: '2000-01-01',
    addressSido: null,
    addressGugun: null,
    provider: 'local',
  }) as unknown as UserEntity;

/** A repository holding rows in a map and counting the look-ups that reach it. */
function repository(rows: Map<number, UserEntity>) {
  const reads: number[] = [];
  const repo = {
    findById: (id: number) => {
      reads.push(id);
      return Promise.resolve(rows.get(id) ?? null);
    },
  } as unknown as UsersRepository;
  return { repo, reads };
}

describe('UsersService profile tiers', () => {
  it('serves a profile again from this process without cache-manager or the database', async () => {
    const rows = new Map([[1, entity(1, '길동이')]]);
    const { repo, reads } = repository(rows);
    const cache = createCache();
    const users = new UsersService(repo, cache);

    expect(await users.getProfile(1)).toMatchObject({ id: 1, nickname: '길동이' });
    // The shared tier loses the entry (another instance's delete, Redis evicting it): this process still has it.
    await cache.del('user:1');
    rows.set(1, entity(1, '바뀐이름'));
    expect(await users.getProfile(1)).toMatchObject({ nickname: '길동이' });
    expect(reads).toEqual([1]);
  });

  it('reads the database again after forgetProfile, in this process and in the shared tier', async () => {
    const rows = new Map([[1, entity(1, '길동이')]]);
    const { repo, reads } = repository(rows);
    const cache = createCache();
    const users = new UsersService(repo, cache);

    await users.getProfile(1);
    rows.set(1, entity(1, '바뀐이름'));
    await users.forgetProfile(1);
    expect(await users.getProfile(1)).toMatchObject({ nickname: '바뀐이름' });
    expect(reads).toEqual([1, 1]);
    expect(await cache.get('user:1')).toMatchObject({ nickname: '바뀐이름' });
  });

  it('fills this process from the shared tier without a database read', async () => {
    const { repo, reads } = repository(new Map([[2, entity(2, '둘째')]]));
    const cache = createCache();
    // Another instance read the profile first.
    await new UsersService(repo, cache).getProfile(2);
    const second = new UsersService(repo, cache);
    expect(await second.getProfile(2)).toMatchObject({ nickname: '둘째' });
    expect(reads).toEqual([2]);
  });

  it('answers null for an id without a user and keeps nothing, so a later account is found', async () => {
    const rows = new Map<number, UserEntity>();
    const { repo, reads } = repository(rows);
    const cache = createCache();
    const users = new UsersService(repo, cache);

    expect(await users.getProfile(3)).toBeNull();
    rows.set(3, entity(3, '셋째'));
    expect(await users.getProfile(3)).toMatchObject({ id: 3 });
    expect(reads).toEqual([3, 3]);
    expect(await cache.get('user:3')).toMatchObject({ id: 3 });
  });
});
