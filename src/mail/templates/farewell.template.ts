import type { RenderedMail } from '../mail.templates.js';

/** The farewell after withdrawal (SPEC §5), sent to the address the account had. */
export function farewellMail(): RenderedMail {
  return {
    subject: '[회원 탈퇴] 회원 탈퇴가 완료되었습니다',
    text: [
      '안녕하세요.',
      '',
      '회원 탈퇴가 완료되었습니다. 그동안 이용해주셔서 감사합니다.',
      '계정의 개인정보(이메일, 이름, 닉네임, 생년월일, 주소)는 삭제되었고 모든 기기에서 로그아웃되었습니다.',
      '',
      '본인이 탈퇴하지 않았다면 고객센터로 문의해주세요.',
    ].join('\n'),
    html: `<!doctype html>
<html lang="ko">
<body style="font-family: 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif; color: #222;">
  <h2 style="margin-bottom: 8px;">회원 탈퇴가 완료되었습니다</h2>
  <p>그동안 이용해주셔서 감사합니다.</p>
  <p>계정의 개인정보(이메일, 이름, 닉네임, 생년월일, 주소)는 삭제되었고 모든 기기에서 로그아웃되었습니다.</p>
  <p style="color: #888;">본인이 탈퇴하지 않았다면 고객센터로 문의해주세요.</p>
</body>
</html>`,
  };
}
