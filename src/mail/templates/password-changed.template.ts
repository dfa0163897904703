import type { RenderedMail } from '../mail.templates.js';

/** The notice after a password reset or change (SPEC §5): no link, nothing secret. */
export function passwordChangedMail(): RenderedMail {
  return {
    subject: '[알림] 비밀번호가 변경되었습니다',
    text: [
      '안녕하세요.',
      '',
      '계정의 비밀번호가 변경되었습니다.',
      '다른 기기에서는 로그아웃되었으니 새 비밀번호로 다시 로그인해주세요.',
      '',
      '본인이 변경하지 않았다면 즉시 비밀번호 재설정을 진행해주세요.',
    ].join('\n'),
    html: `<!doctype html>
<html lang="ko">
<body style="font-family: 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif; color: #222;">
  <h2 style="margin-bottom: 8px;">비밀번호가 변경되었습니다</h2>
  <p>계정의 비밀번호가 변경되었습니다.</p>
  <p>다른 기기에서는 로그아웃되었으니 새 비밀번호로 다시 로그인해주세요.</p>
  <p style="color: #c00;">본인이 변경하지 않았다면 즉시 비밀번호 재설정을 진행해주세요.</p>
</body>
</html>`,
  };
}
