import { escapeHtml, type RenderedMail } from '../mail.templates.js';

/** The password-reset mail (SPEC §5): the link to the SPA, valid for `ttlMinutes`, usable once. */
export function passwordResetMail(link: string, ttlMinutes: number): RenderedMail {
  const safeLink = escapeHtml(link);
  return {
    subject: '[비밀번호 재설정] 비밀번호 재설정 링크를 보내드립니다',
    text: [
      '안녕하세요.',
      '',
      '비밀번호 재설정을 요청하셨습니다. 아래 링크에서 새 비밀번호를 설정해주세요.',
      '',
      `링크: ${link}`,
      '',
      `링크는 ${ttlMinutes}분 동안 한 번만 사용할 수 있습니다.`,
      '본인이 요청하지 않았다면 이 메일을 무시해주세요. 비밀번호는 바뀌지 않습니다.',
    ].join('\n'),
    html: `<!doctype html>
<html lang="ko">
<body style="font-family: 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif; color: #222;">
  <h2 style="margin-bottom: 8px;">비밀번호 재설정</h2>
  <p>비밀번호 재설정을 요청하셨습니다. 아래 버튼을 눌러 새 비밀번호를 설정해주세요.</p>
  <p><a href="${safeLink}" style="display: inline-block; padding: 10px 16px; background: #222; color: #fff; text-decoration: none;">비밀번호 재설정하기</a></p>
  <p style="word-break: break-all; color: #555;">${safeLink}</p>
  <p>링크는 ${ttlMinutes}분 동안 한 번만 사용할 수 있습니다.</p>
  <p style="color: #888;">본인이 요청하지 않았다면 이 메일을 무시해주세요. 비밀번호는 바뀌지 않습니다.</p>
</body>
</html>`,
  };
}
