import 'reflect-metadata';
import { createValidationPipe } from '../../common/validation/validation.pipe.js';
import { SignupDto } from './signup.dto.js';

const body = (password: string) => ({
  email: 'user@example.com',
  password,
  name: '홍길동',
  nickname: '길동이',
  birthDate: '2000-01-01',
});

const refusal = async (minimum: number | undefined, password: string): Promise<unknown> => {
  const pipe = createValidationPipe(minimum === undefined ? undefined : { passwordMinLength: minimum });
  try {
    await pipe.transform(body(password), { type: 'body', metatype: SignupDto });
    return null;
  } catch (error) {
    return (error as { message?: string }).message;
  }
};

describe('the password length rule', () => {
  it('takes its minimum from the pipe of the app validating the body (PASSWORD_MIN_LENGTH)', async () => {
    expect(await refusal(undefined, 'abcdefgh')).toBeNull();
    expect(await refusal(undefined, 'abcdefg')).toBe('비밀번호는 8자 이상 128자 이하여야 합니다.');
    expect(await refusal(12, 'abcdefghijk')).toBe('비밀번호는 8자 이상 128자 이하여야 합니다.');
    expect(await refusal(12, 'abcdefghijkl')).toBeNull();
    // Two apps in one process keep their own minimum.
    expect(await refusal(4, 'abcd')).toBeNull();
    expect(await refusal(undefined, 'abcd')).toBe('비밀번호는 8자 이상 128자 이하여야 합니다.');
  });
});
