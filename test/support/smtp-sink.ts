import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server on loopback that keeps what it receives, so tests read
 * verification codes out of real mail. `failNext(n)` makes the next n
 * deliveries fail with a 451, as a mail server in trouble would.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private failures = 0;
  private rejections = 0;
  private waiters: { to: string; after: number; resolve: (mail: ReceivedMail) => void }[] = [];
  private server?: SMTPServer;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.rejections <= 0) return callback();
        this.rejections--;
        callback(
          Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), { responseCode: 550 }),
        );
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.failures > 0) {
            this.failures--;
            callback(Object.assign(new Error('Temporary failure'), { responseCode: 451 }));
            return;
          }
          PostalMime.parse(Buffer.concat(chunks))
            .then((parsed) => {
              const mail: ReceivedMail = {
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: parsed.html ?? '',
              };
              this.mails.push(mail);
              this.notify(mail);
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` recipients are refused with a 550 that quotes the address, as real servers do. */
  rejectNextRecipients(count: number): void {
    this.rejections = count;
  }

  failNext(count: number): void {
    this.failures = count;
  }

  /** The newest mail to `to` received after `after` mails in total, waiting up to 5 s. */
  waitFor(to: string, after = 0): Promise<ReceivedMail> {
    const found = this.mails
      .slice(after)
      .reverse()
      .find((mail) => mail.to.includes(to.toLowerCase()));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no mail to ${to} within 30 s`)), 30_000);
      this.waiters.push({
        to: to.toLowerCase(),
        after,
        resolve: (mail) => {
          clearTimeout(timer);
          resolve(mail);
        },
      });
    });
  }

  private notify(mail: ReceivedMail): void {
    const ready = this.waiters.filter((waiter) => mail.to.includes(waiter.to));
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve(mail);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The six-digit code in a verification mail's text. */
export function codeFrom(mail: ReceivedMail): string {
  const match = /인증코드:\s*(\d{6})/.exec(mail.text);
  if (!match) throw new Error(`no code in mail: ${mail.text}`);
  return match[1];
}
