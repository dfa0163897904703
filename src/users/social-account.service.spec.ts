import { AppException } from '../common/errors/app.exception.js';
import type { UserEntity } from './user.entity.js';
import { DuplicateUserError } from './users.errors.js';
import type { NewUser, UsersRepository } from './users.repository.js';
import {
  nicknameBase,
  nicknameCandidate,
  SocialAccountService,
  type SocialProfile,
  usableEmail,
} from './social-account.service.js';

const profile = (overrides: Partial<SocialProfile> = {}): SocialProfile => ({
  provider: 'kakao',
  providerUserId: '42',
  email: 'User@Example.com',
  emailVerified: true,
  nickname: '길동이',
  name: null,
  ...overrides,
});

describe('nickname candidates', () => {
  it('are the base, then the shortest numeric suffixes, the stem cut to keep 10 characters', () => {
    expect([0, 1, 2, 9, 10].map((n) => nicknameCandidate('길동이', n))).toEqual([
      '길동이',
      '길동이1',
      '길동이2',
      '길동이9',
      '길동이10',
    ]);
    expect(nicknameCandidate('가나다라마바사아자차', 1)).toBe('가나다라마바사아자1');
    expect(nicknameCandidate('가나다라마바사아자차', 10)).toBe('가나다라마바사아10');
    expect(nicknameCandidate('가나다라마바사아자차', 123)).toBe('가나다라마바사123');
  });

  it('start from the NFC profile nickname cut to 10, or the email local part', () => {
    expect(nicknameBase(profile({ nickname: '홍길동'.normalize('NFD') }), 'a@b.co')).toBe('홍길동');
    expect(nicknameBase(profile({ nickname: '열한글자닉네임입니다요' }), 'a@b.co')).toBe('열한글자닉네임입니다');
    expect(nicknameBase(profile({ nickname: null }), 'gildong.hong.long@b.co')).toBe('gildong.ho');
    expect(nicknameBase(profile({ nickname: '  \u0007 ' }), 'kim@b.co')).toBe('kim');
  });
});

describe('usableEmail', () => {
  it('normalises a verified address and refuses a missing, unverified or malformed one', () => {
    expect(usableEmail(profile())).toBe('user@example.com');
    expect(usableEmail(profile({ email: null }))).toBeNull();
    expect(usableEmail(profile({ emailVerified: false }))).toBeNull();
    expect(usableEmail(profile({ email: 'not-an-email' }))).toBeNull();
    expect(usableEmail(profile({ email: `${'a'.repeat(95)}@b.com` }))).toBeNull();
  });
});

describe('SocialAccountService', () => {
  function fakeUsers(options: { taken?: string[]; raceNickname?: number; raceIdentity?: boolean; local?: boolean }) {
    const taken = new Set(options.taken ?? []);
    const created: NewUser[] = [];
    let nicknameRaces = options.raceNickname ?? 0;
    let identityLookups = 0;
    const winner = { id: '7' } as UserEntity;
    const users: Partial<UsersRepository> = {
      findByProviderIdentity: () => Promise.resolve(options.raceIdentity && identityLookups++ > 0 ? winner : null),
      findLocalByEmail: () => Promise.resolve(options.local ? ({ id: '1' } as UserEntity) : null),
      findNicknamesStartingWith: (stem) => Promise.resolve([...taken].filter((name) => name.startsWith(stem))),
      create: (user) => {
        if (options.raceIdentity) return Promise.reject(new DuplicateUserError('identity'));
        if (nicknameRaces > 0) {
          nicknameRaces--;
          taken.add(user.nickname);
          return Promise.reject(new DuplicateUserError('nickname'));
        }
        created.push(user);
        return Promise.resolve({ id: '99', ...user } as UserEntity);
      },
    };
    return { service: new SocialAccountService(users as UsersRepository), created, winner };
  }

  it('creates a social account without password or birth date, name falling back to the nickname', async () => {
    const { service, created } = fakeUsers({});
    await service.signIn(profile());
    expect(created).toEqual([
      expect.objectContaining({
        email: 'user@example.com',
        passwordHash: null,
        birthDate: null,
        name: '길동이',
        nickname: '길동이',
        provider: 'kakao',
        providerUserId: '42',
      }),
    ]);
  });

  it('picks the next free candidate when the nickname is taken before or during the insert', async () => {
    const { service, created } = fakeUsers({ taken: ['길동이', '길동이1'], raceNickname: 2 });
    await service.signIn(profile());
    expect(created.map((user) => user.nickname)).toEqual(['길동이4']);
  });

  it('returns the account of a concurrent first login of the same person', async () => {
    const { service, winner } = fakeUsers({ raceIdentity: true });
    await expect(service.signIn(profile())).resolves.toBe(winner);
  });

  it('refuses an email a local account holds, and a profile without a usable email', async () => {
    await expect(fakeUsers({ local: true }).service.signIn(profile())).rejects.toEqual(
      new AppException('EMAIL_REGISTERED_WITH_LOCAL'),
    );
    await expect(fakeUsers({}).service.signIn(profile({ email: null }))).rejects.toEqual(
      new AppException('EMAIL_REQUIRED'),
    );
  });
});
