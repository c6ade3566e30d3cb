import type { Logger } from '@aws-lambda-powertools/logger';
import type { CrewMember, EventCreated } from '@charter/events';
import { PermanentFailure } from '@charter/shared/errors';
import { crewPageUrl, crewTokenExpiry, mintCrewToken } from '@charter/shared/magic-link';
import { publish } from '@charter/shared/publisher';
import { SecretReader } from '@charter/shared/secrets';
import { crewMailConfig } from './config';
import { renderCrewEmail, type OutgoingEmail } from './domain/crew-email';
import { CLAIM_LEASE_MS, nextStep, type CrewNotice, type JoinState } from './domain/join';
import { sendEmail } from './mailer';
import {
  claimOnce,
  claimSend,
  getJoin,
  markSendFailed,
  recordOnce,
  recordSent,
  releaseOnce,
  releaseSend,
} from './store';

const secrets = new SecretReader();

type Delivery =
  | { member: CrewMember; outcome: 'sent'; messageId: string }
  | { member: CrewMember; outcome: 'claimed_elsewhere' }
  | { member: CrewMember; outcome: 'retry' | 'rejected' | 'unconfirmed'; reason: string };

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
  const settings = crewMailConfig();
  // Read before claiming anything: a missing key must not leave claims behind.
  const { current: key } = await secrets.versions(settings.MAGIC_LINK_KEY_NAME);
  const expiresAt = crewTokenExpiry(event);
  const emails = members.map((member) => {
    const token = mintCrewToken(key, { eventId: event.event_id, memberId: member.member_id, expiresAt });
    const crewPageLink = crewPageUrl(settings.SCC_API_URL, event.event_id, token);
    return { member, email: renderCrewEmail({ event, member, crewPageLink, from: settings.SENDER_ADDRESS }) };
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
  const log = { member_id: member.member_id, role: member.role };
  if (!(await claimSend(bookingId, member, claimer, new Date()))) {
    logger.info('crew email already claimed by another delivery', log);
    return { member, outcome: 'claimed_elsewhere' };
  }
  const result = await sendEmail(email, { tags: { booking_id: bookingId, kind: 'crew-call' } });
  if (result.ok) {
    await recordSent(bookingId, member.member_id, claimer, result.messageId, new Date());
    logger.info('crew email sent', {
      ...log,
      message_id: result.messageId,
      attempts: result.attempts,
      bcc: email.bcc.length,
    });
    return { member, outcome: 'sent', messageId: result.messageId };
  }
  switch (result.kind) {
    case 'throttled':
    case 'transient':
      await releaseSend(bookingId, member.member_id, claimer);
      logger.warn('crew email not sent; claim released for a retry', {
        ...log,
        reason: result.reason,
        attempts: result.attempts,
      });
      return { member, outcome: 'retry', reason: result.reason };
    case 'rejected':
      await markSendFailed(bookingId, member.member_id, claimer, 'rejected', result.reason, new Date());
      logger.error('SES rejected the crew email', { ...log, reason: result.reason });
      return { member, outcome: 'rejected', reason: result.reason };
    case 'no_response':
      await markSendFailed(bookingId, member.member_id, claimer, 'unconfirmed', result.reason, new Date());
      logger.error('SES gave no answer; the crew email may have gone and is not re-sent', {
        ...log,
        reason: result.reason,
      });
      return { member, outcome: 'unconfirmed', reason: result.reason };
  }
}

/** A retry can cure throttling (so Lambda retries); nothing cures a rejection (dead-letter). */
function failFor(bookingId: string, deliveries: Delivery[]): void {
  const describe = (d: Delivery) => `${d.member.member_id}: ${'reason' in d ? d.reason : d.outcome}`;
  const retry = deliveries.filter((d) => d.outcome === 'retry');
  const rejected = deliveries.filter((d) => d.outcome === 'rejected');
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
  const claimed = await claimOnce(notice.booking_id, 'crew_notified', claimer, now, {
    staleBefore: new Date(now.getTime() - CLAIM_LEASE_MS),
  });
  if (!claimed) {
    logger.info('CrewNotified already published or being published');
    return;
  }
  let eventId: string;
  try {
    eventId = await publish('CrewNotified', { schema_version: 1, ...notice });
  } catch (error) {
    await releaseOnce(notice.booking_id, 'crew_notified', claimer);
    throw error;
  }
  await recordOnce(notice.booking_id, 'crew_notified', claimer, eventId, new Date());
  logger.info('CrewNotified published', { crew_notified_event_id: eventId, recipients: notice.recipients.length });
}
