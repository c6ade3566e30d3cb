import { SESv2Client, SendEmailCommand, type Attachment } from '@aws-sdk/client-sesv2';
import { lazy } from '@charter/shared/lazy';
import { setting } from '../config';
import type { EmailAttachment, OutgoingEmail } from '../domain/email';
import { classifySesError, type SendFailure } from '../domain/delivery';

/**
 * SDK retries are off for this client (maxAttempts 1): the SDK would retry a throttled send on
 * its own schedule, and also a send whose answer was lost, which may double a crew email. The
 * retry policy is ours, in one place (`claimSendRecord`: throttling and server faults only, jittered backoff, each
 * attempt marked sending just before it and the mark taken back before each wait).
 */
const ses = lazy(() => new SESv2Client({ maxAttempts: 1 }));

export type EmailSent = { ok: true; messageId: string; attempts: number };
export type SendResult = EmailSent | SendFailure;

export interface SendOptions {
  /** SES tags (booking_id, kind) so bounces and complaints can be traced to a booking. */
  tags?: Record<string, string>;
  /** Which attempt this is (from 1), for the result and the logs. */
  attempt?: number;
}

/**
 * A file part as SES builds it into the message (Simple content, not Raw MIME: SES writes every header from the
 * request). Base64, because partner text in an invite may be beyond 7-bit ASCII. The invite is `inline` with
 * `method=` in its content type: Gmail and Apple Mail read a text/calendar part as an invite whatever its
 * disposition, and Outlook takes an inline one as the meeting request itself rather than a file to open.
 */
const attachmentOf = (a: EmailAttachment): Attachment => ({
  FileName: a.fileName,
  ContentType: a.contentType,
  ContentDisposition: 'INLINE',
  ContentTransferEncoding: 'BASE64',
  RawContent: Buffer.from(a.content, 'utf8'),
});

/**
 * One SES v2 SendEmail request (Simple content: HTML, text, attachments), with the crew mail's configuration set, so
 * that SES publishes its bounces, complaints and deliveries to ops. Never throws for SES's answer.
 */
export async function sendEmail(email: OutgoingEmail, options: SendOptions = {}): Promise<SendResult> {
  const attempts = options.attempt ?? 1;
  const command = new SendEmailCommand({
    FromEmailAddress: email.from,
    ConfigurationSetName: setting('CREW_MAIL_CONFIGURATION_SET'),
    Destination: { ToAddresses: [email.to], ...(email.bcc.length ? { BccAddresses: email.bcc } : {}) },
    ...(email.replyTo.length ? { ReplyToAddresses: email.replyTo } : {}),
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        ...(email.attachments.length ? { Attachments: email.attachments.map(attachmentOf) } : {}),
      },
    },
    ...(options.tags ? { EmailTags: Object.entries(options.tags).map(([Name, Value]) => ({ Name, Value })) } : {}),
  });
  try {
    const result = await ses.send(command);
    if (!result.MessageId)
      return { ok: false, attempts, kind: 'no_response', reason: 'SES answered without a MessageId' };
    return { ok: true, messageId: result.MessageId, attempts };
  } catch (error) {
    return { ok: false, attempts, ...classifySesError(error) };
  }
}
