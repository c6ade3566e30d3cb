import type { Logger } from '@aws-lambda-powertools/logger';
import type { CrewMember, EventCreated } from '@charter/events';
import { PermanentFailure } from '@charter/shared/errors';
import { crewPageUrl, crewTokenExpiry, mintCrewToken } from '@charter/shared/magic-link';
import { publish } from '@charter/shared/publisher';
import { secrets } from '@charter/shared/secrets';
import { claimSendRecord, type ClaimSendRecordOutcome } from './claim-send-record';
import { setting } from './config';
import { renderCrewEmail } from './domain/crew-email';
import type { OutgoingEmail } from './domain/email';
import { CLAIM_LEASE_MS, nextStep, type CrewNotice, type JoinState } from './domain/join';
import {
  claimOnce,
  claimSend,
  getJoin,
  markSendFailed,
  recordOnce,
  recordSent,
  releaseOnce,
  releaseSend,
} from './store/join';
import { sendEmail, type EmailSent } from './store/mail';

type Delivery = { member: CrewMember } & ClaimSendRecordOutcome<EmailSent>;

/**
 * Does what the join calls for: emails every crew member nobody has claimed yet, then, once
 * every member is recorded as sent, publishes CrewNotified once. Safe to run from any number of
 * concurrent deliveries of either event.
 *
 * Outcomes, per member: sent and recorded (never sent again); SES refused for rate or a server
 * fault (claim released, the invocation throws, Lambda retries); SES refused for good (recorded
 * as rejected, the event is dead-lettered with the reason); SES's answer lost, or the invocation
 * died between SendEmail and the record (claim kept: never re-sent, the stall check tells the
 * captain the member may not have been reached).
 */
export async function notifyCrewIfReady(state: JoinState, claimer: string, logger: Logger): Promise<void> {
  let step = nextStep(state);
  if (step.kind === 'wait') {
    logger.info('waiting for the other event', { missing: step.missing });
    return;
  }
  let deliveries: Delivery[] = [];
  if (step.kind === 'send') {
    deliveries = await sendCrewCalls(step.event, step.members, claimer, logger);
    const fresh = await getJoin(state.booking_id);
    if (fresh) step = nextStep(fresh);
  }
  if (step.kind === 'publish') await publishCrewNotifiedOnce(step.notice, claimer, logger);
  else if (step.kind !== 'send') logger.info('nothing more to do for this delivery', { step: step.kind });
  failFor(state.booking_id, deliveries);
}

async function sendCrewCalls(
  event: EventCreated,
  members: CrewMember[],
  claimer: string,
  logger: Logger,
): Promise<Delivery[]> {
  // Read before claiming anything: a missing key must not leave claims behind.
  const { current: key } = await secrets.versions(setting('MAGIC_LINK_KEY_SECRET_NAME'));
  const expiresAt = crewTokenExpiry(event);
  const from = setting('SENDER_ADDRESS');
  const emails = members.map((member) => {
    const token = mintCrewToken(key, { eventId: event.event_id, memberId: member.member_id, expiresAt });
    const crewPageLink = crewPageUrl(setting('SCC_API_URL'), event.event_id, token);
    return { member, email: renderCrewEmail({ event, member, crewPageLink, from }) };
  });
  const settled = await Promise.allSettled(
    emails.map(({ member, email }) => deliverOnce(event.booking_id, member, email, claimer, logger)),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Delivery>).value);
}

/** Claim, send, record: the claim makes this invocation the only one that may email the member. */
async function deliverOnce(
  bookingId: string,
  member: CrewMember,
  email: OutgoingEmail,
  claimer: string,
  logger: Logger,
): Promise<Delivery> {
  const memberId = member.member_id;
  const outcome = await claimSendRecord({
    claim: () => claimSend(bookingId, member, claimer, new Date()),
    send: () => sendEmail(email, { tags: { booking_id: bookingId, kind: 'crew-call' } }),
    record: ({ messageId }) => recordSent(bookingId, memberId, claimer, messageId, new Date()),
    release: () => releaseSend(bookingId, memberId, claimer),
    keep: (status, reason) => markSendFailed(bookingId, memberId, claimer, status, reason, new Date()),
  });
  const log = { member_id: memberId, role: member.role };
  switch (outcome.kind) {
    case 'claimed_elsewhere':
      logger.info('crew email already claimed by another delivery', log);
      break;
    case 'sent': {
      const { messageId, attempts } = outcome.sent;
      logger.info('crew email sent', { ...log, message_id: messageId, attempts, bcc: email.bcc.length });
      break;
    }
    case 'released':
      logger.warn('crew email not sent; claim released for a retry', {
        ...log,
        reason: outcome.reason,
        attempts: outcome.attempts,
      });
      break;
    case 'rejected':
      logger.error('SES rejected the crew email', { ...log, reason: outcome.reason });
      break;
    case 'unconfirmed':
      logger.error('SES gave no answer; the crew email may have gone and is not re-sent', {
        ...log,
        reason: outcome.reason,
      });
  }
  return { member, ...outcome };
}

/** A retry can cure throttling (so Lambda retries); nothing cures a rejection (dead-letter). */
function failFor(bookingId: string, deliveries: Delivery[]): void {
  const describe = (d: Delivery) => `${d.member.member_id}: ${'reason' in d ? d.reason : d.kind}`;
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

/**
 * Publishes CrewNotified for the booking once. A claim left by a publisher that died is taken
 * over after the lease, so the audit event is published at least once, and exactly once unless
 * a publisher dies between PutEvents and its record.
 */
export async function publishCrewNotifiedOnce(
  notice: CrewNotice,
  claimer: string,
  logger: Logger,
  now = new Date(),
): Promise<void> {
  const bookingId = notice.booking_id;
  const staleBefore = new Date(now.getTime() - CLAIM_LEASE_MS);
  const outcome = await claimSendRecord({
    claim: () => claimOnce(bookingId, 'crew_notified', claimer, now, { staleBefore }),
    send: async () => ({ ok: true as const, eventId: await publish('CrewNotified', { schema_version: 1, ...notice }) }),
    record: ({ eventId }) => recordOnce(bookingId, 'crew_notified', claimer, eventId, new Date()),
    release: () => releaseOnce(bookingId, 'crew_notified', claimer),
  });
  if (outcome.kind !== 'sent') logger.info('CrewNotified already published or being published');
  else
    logger.info('CrewNotified published', {
      crew_notified_event_id: outcome.sent.eventId,
      recipients: notice.recipients.length,
    });
}
