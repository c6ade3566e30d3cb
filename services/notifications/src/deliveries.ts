import type { Logger } from '@aws-lambda-powertools/logger';
import { PermanentFailure } from '@charter/shared/errors';
import type { ClaimSendRecordOutcome } from './claim-send-record';
import type { EmailSent } from './store/mail';

/** What came of one email this invocation tried to send (a crew notice, a decline email), named for the logs. */
export type Delivery = { label: string } & ClaimSendRecordOutcome<EmailSent>;

/** One log line per send outcome, the same for crew notices and the captain's decline emails. */
export function logOutcome(
  logger: Logger,
  what: string,
  outcome: ClaimSendRecordOutcome<EmailSent>,
  log: Record<string, unknown>,
): void {
  switch (outcome.kind) {
    case 'claimed_elsewhere':
      logger.info(`${what} already claimed by another delivery`, log);
      break;
    case 'sent':
      logger.info(`${what} sent`, { ...log, message_id: outcome.sent.messageId, attempts: outcome.sent.attempts });
      break;
    case 'released':
      logger.warn(`${what} not sent; claim released for a retry`, {
        ...log,
        reason: outcome.reason,
        attempts: outcome.attempts,
      });
      break;
    case 'rejected':
      logger.error(`SES rejected the ${what}`, { ...log, reason: outcome.reason });
      break;
    case 'unconfirmed':
      logger.error(`SES gave no answer; the ${what} may have gone and is not re-sent`, {
        ...log,
        reason: outcome.reason,
      });
  }
}

/** A retry can cure throttling (so Lambda retries); nothing cures a rejection (dead-letter). */
export function failFor(bookingId: string, deliveries: Delivery[]): void {
  const describe = (d: Delivery) => `${d.label}: ${'reason' in d ? d.reason : d.kind}`;
  const retry = deliveries.filter((d) => d.kind === 'released');
  const rejected = deliveries.filter((d) => d.kind === 'rejected');
  if (retry.length > 0) {
    throw new Error(
      `booking ${bookingId}: crew email not sent yet to ${[...retry, ...rejected].map(describe).join('; ')}`,
    );
  }
  if (rejected.length > 0) {
    throw new PermanentFailure(
      `booking ${bookingId}: SES rejected the crew email to ${rejected.map(describe).join('; ')}`,
    );
  }
}
