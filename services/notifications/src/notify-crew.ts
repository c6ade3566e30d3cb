import type { Logger } from '@aws-lambda-powertools/logger';
import { crewPageUrl, crewTokenExpiry, mintCrewToken } from '@charter/shared/magic-link';
import { publish } from '@charter/shared/publisher';
import { secrets } from '@charter/shared/secrets';
import { claimSendRecord, sameInvocation } from './claim-send-record';
import { setting } from './config';
import { failFor, logOutcome, type Delivery } from './deliveries';
import type { OutgoingEmail } from './domain/email';
import {
  captainOf,
  claimTime,
  isSettled,
  noticesToPublish,
  planNotices,
  type CrewNotice,
  type DueNotice,
} from './domain/join';
import { captainCopyOf, renderNotice } from './domain/notice-email';
import { needsV1Adoption, type CaptainCopy, type JoinState } from './domain/state';
import { CLAIM_LEASE_MS } from './domain/stall';
import {
  adoptV1,
  claimNotice,
  claimOnce,
  getJoin,
  markNoticeFailed,
  markNoticeSending,
  markNoticeUnknown,
  recordNoticeSent,
  recordOnce,
  releaseNotice,
  releaseOnce,
  stopWatching,
  unmarkNoticeSending,
  voidClaim,
} from './store/join';
import { sendEmail } from './store/mail';
import { sendCaptainCopies, tellCaptainOfDeclines } from './tell-captain';

/**
 * Rounds of "read the state, send what is due" per invocation. A round that sent something re-reads, since the
 * state may have moved on meanwhile (a newer crew event arrived while we sent): its own delivery may have seen our
 * claims and left that to us. A round that sent nothing (claimed elsewhere, kept), or had to release a claim, ends
 * the loop.
 */
const MAX_ROUNDS = 5;

/**
 * Tells every member what the booking's state says they are due (`planNotices`), each notice claimed, marked sending,
 * sent and recorded once; then publishes the CrewNotified of every notice group that is complete, tells the captain
 * of declines, and takes the booking off the watch list when nothing is left to do. Safe from any number of
 * concurrent deliveries of any of the events, in any order.
 *
 * Outcomes, per notice: sent and recorded (the member's "last told"); SES refused for rate or a server fault (claim
 * and sequence released, the invocation throws, Lambda retries); SES refused for good (kept as rejected, the event
 * is dead-lettered with the reason); the invocation died after its claim but before SendEmail (the claim is taken
 * over by whoever comes next, and sent); SES's answer lost, or the invocation died while SES had the message (kept
 * as unconfirmed: never re-sent automatically, reported by the stall check with the operator's resend route).
 *
 * `now` is the caller's clock for the claim lease (the stall check's tick).
 */
export async function settleBooking(
  bookingId: string,
  claimer: string,
  logger: Logger,
  now: Date = new Date(),
): Promise<void> {
  const deliveries: Delivery[] = [];
  let state = await getJoin(bookingId);
  if (state && needsV1Adoption(state)) {
    await adoptV1(state, new Date());
    state = await getJoin(bookingId);
  }
  if (state && (await resolveDeadSends(state, claimer, now, logger))) state = await getJoin(bookingId);
  for (let round = 1; state && round <= MAX_ROUNDS; round++) {
    const plan = planNotices(state);
    if (plan.join.kind === 'waiting') logger.info('waiting for the other side', { ...plan.join });
    if (plan.held.length > 0) logger.info('members with a notice in flight or stuck', { held: plan.held });
    for (const { member_id, claimedBy, expected } of plan.voids) {
      if (await voidClaim(bookingId, member_id, claimedBy, expected))
        logger.info('a claim that never reached SES is moot now; given back', { member_id, claimed_by: claimedBy });
    }
    if (plan.due.length === 0) break;
    const outcomes = await deliverNotices(state, plan.due, claimer, logger);
    deliveries.push(...outcomes);
    state = await getJoin(bookingId);
    // The captain's copies of this round's notices, before the next round's notice to a member replaces one.
    if (state && (await sendCaptainCopies(state, claimer, logger, deliveries))) state = await getJoin(bookingId);
    // A released notice waits for Lambda's retry (minutes later), not for another round now: the SES policy is
    // four attempts per invocation.
    if (!outcomes.some((d) => d.kind === 'sent') || outcomes.some((d) => d.kind === 'released')) break;
  }
  if (!state) return;
  for (const { group, notice } of noticesToPublish(state)) {
    await publishCrewNotifiedOnce(group, notice, claimer, logger);
  }
  await sendCaptainCopies(state, claimer, logger, deliveries);
  deliveries.push(...(await tellCaptainOfDeclines(state, claimer, logger)));
  const after = await getJoin(bookingId);
  if (after && isSettled(after)) await stopWatching(after);
  failFor(bookingId, deliveries);
}

/**
 * Members left `sending` by an invocation that is certainly gone, with no answer recorded: SES may have taken the
 * message, so it becomes `unconfirmed` (reported, never re-sent). Certainly gone: an earlier attempt of this very
 * invocation (Lambda retries only an attempt that ended), or a claim older than the lease (four function timeouts).
 * True when it changed anything.
 */
async function resolveDeadSends(state: JoinState, claimer: string, now: Date, logger: Logger): Promise<boolean> {
  let changed = false;
  const staleBefore = now.getTime() - CLAIM_LEASE_MS;
  for (const [memberId, record] of Object.entries(state.members)) {
    const claim = record.claim;
    if (record.status !== 'sending' || !claim) continue;
    const earlierAttempt = sameInvocation(claim.claimed_by, claimer);
    if (!earlierAttempt && Date.parse(claimTime(claim)) >= staleBefore) continue;
    const reason = earlierAttempt
      ? 'the invocation stopped after handing the message to SES and before its answer was recorded'
      : 'the notifier that was sending it stopped before its answer was recorded';
    if (await markNoticeUnknown(state.booking_id, memberId, { sequence: record.sequence, claim }, reason, now)) {
      changed = true;
      logger.warn('a notice may have gone with its answer lost; kept as unconfirmed, not re-sent', {
        member_id: memberId,
        notice: claim.kind,
        claimed_by: claim.claimed_by,
      });
    }
  }
  return changed;
}

async function deliverNotices(
  state: JoinState,
  due: DueNotice[],
  claimer: string,
  logger: Logger,
): Promise<Delivery[]> {
  // Read before claiming anything: a missing key must not leave claims behind.
  const { current: key } = await secrets.versions(setting('MAGIC_LINK_KEY_SECRET_NAME'));
  const from = setting('SENDER_ADDRESS');
  const captain = captainOf(state.crew_event);
  const now = new Date();
  const settled = await Promise.allSettled(
    due.map((notice) => {
      const memberId = notice.member.member_id;
      const token = mintCrewToken(key, {
        eventId: notice.event_id,
        memberId,
        email: notice.member.email,
        expiresAt: crewTokenExpiry(notice.fields),
      });
      const crewPageLink = crewPageUrl(setting('SCC_API_URL'), notice.event_id, token);
      const email = renderNotice({ bookingId: state.booking_id, notice, captain, crewPageLink, from, now });
      return deliverOnce(state.booking_id, notice, email, captainCopyOf(notice, captain), claimer, logger);
    }),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Delivery>).value);
}

/** Claim, mark sending (each attempt), send, record: the claim makes this invocation the only one that may send it. */
async function deliverOnce(
  bookingId: string,
  notice: DueNotice,
  email: OutgoingEmail,
  copy: CaptainCopy | undefined,
  claimer: string,
  logger: Logger,
): Promise<Delivery> {
  const outcome = await claimSendRecord({
    claim: () => claimNotice(bookingId, notice, claimer, new Date()),
    markSending: () => markNoticeSending(bookingId, notice, claimer, new Date()),
    unmarkSending: () => unmarkNoticeSending(bookingId, notice, claimer),
    send: (attempt) => sendEmail(email, { tags: { booking_id: bookingId, kind: `crew-${notice.kind}` }, attempt }),
    record: ({ messageId }) => recordNoticeSent(bookingId, notice, claimer, messageId, new Date(), copy),
    release: () => releaseNotice(bookingId, notice, claimer),
    keep: (status, reason) => markNoticeFailed(bookingId, notice, claimer, status, reason, new Date()),
  });
  const log = {
    member_id: notice.member.member_id,
    role: notice.member.role,
    notice: notice.kind,
    sequence: notice.sequence,
    version: notice.version,
    ...(notice.base.status === 'claimed' ? { took_over_from: notice.base.claimedBy } : {}),
    ...(notice.resends.length ? { resend_requests: notice.resends } : {}),
  };
  logOutcome(logger, `${notice.kind} notice`, outcome, { ...log, captain_copy: copy !== undefined });
  return { label: `${notice.member.member_id} (${notice.kind})`, ...outcome };
}

/**
 * Publishes one notice group's CrewNotified once. A claim left by a publisher that died is taken over after the
 * lease, so the audit event is published at least once, and exactly once unless a publisher dies between PutEvents
 * and its record.
 */
export async function publishCrewNotifiedOnce(
  group: string,
  notice: CrewNotice,
  claimer: string,
  logger: Logger,
  now = new Date(),
): Promise<boolean> {
  const bookingId = notice.booking_id;
  const at = { kind: 'crew_notified' as const, group };
  const staleBefore = new Date(now.getTime() - CLAIM_LEASE_MS);
  const outcome = await claimSendRecord({
    claim: () => claimOnce(bookingId, at, claimer, now, { staleBefore }),
    send: async () => ({ ok: true as const, eventId: await publish('CrewNotified', { schema_version: 1, ...notice }) }),
    record: ({ eventId }) => recordOnce(bookingId, at, claimer, eventId, new Date()),
    release: () => releaseOnce(bookingId, at, claimer),
  });
  const log = { group, notice: notice.kind, revision: notice.revision };
  if (outcome.kind !== 'sent') {
    logger.info('CrewNotified already published or being published', log);
    return false;
  }
  logger.info('CrewNotified published', {
    ...log,
    crew_notified_event_id: outcome.sent.eventId,
    recipients: notice.recipients.length,
  });
  return true;
}
