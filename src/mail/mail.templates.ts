export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The verification-code mail, in Korean, as HTML and plain text. */
export function verificationCodeMail(code: string, ttlMinutes: number): RenderedMail {
  const safeCode = escapeHtml(code);
  return {
    subject: '[인증번호] 이메일 인증코드를 확인해주세요',
    text: [
      '안녕하세요.',
      '',
      '회원가입을 위한 이메일 인증코드입니다.',
      '',
      `인증코드: ${code}`,
      '',
      `인증코드는 ${ttlMinutes}분 동안 유효합니다.`,
      '본인이 요청하지 않았다면 이 메일을 무시해주세요.',
    ].join('\n'),
    html: `<!doctype html>
<html lang="ko">
<body style="font-family: 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif; color: #222;">
  <h2 style="margin-bottom: 8px;">이메일 인증코드</h2>
  <p>회원가입을 위한 이메일 인증코드입니다.</p>
  <p style="font-size: 28px; font-weight: bold; letter-spacing: 6px;">${safeCode}</p>
  <p>인증코드는 ${ttlMinutes}분 동안 유효합니다.</p>
  <p style="color: #888;">본인이 요청하지 않았다면 이 메일을 무시해주세요.</p>
</body>
</html>`,
  };
}
