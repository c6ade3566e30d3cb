import type { Logger } from '@aws-lambda-powertools/logger';
import { claimSendRecord } from './claim-send-record';
import { setting } from './config';
import { renderDeclineEmail } from './domain/decline-email';
import type { OutgoingEmail } from './domain/email';
import { renderCaptainCopy } from './domain/notice-email';
import { copyPending } from './domain/join';
import type { JoinState } from './domain/state';
import { logOutcome, type Delivery } from './deliveries';
import {
  claimOnce,
  markOnceKept,
  markOnceSending,
  recordOnce,
  releaseOnce,
  unmarkOnceSending,
  type OncePath,
} from './store/join';
import { sendEmail } from './store/mail';

/**
 * Emails the captain once per decline kept in the booking's state (`declines`), each claimed, sent and recorded like a
 * crew notice. A decline that came before the crew event waits for it (the captain and the member's name come from
 * the roster); one for a cancelled charter is moot and told to nobody.
 */
export async function tellCaptainOfDeclines(state: JoinState, claimer: string, logger: Logger): Promise<Delivery[]> {
  const event = state.crew_event;
  // A claim that never reached SES (status `claimed`: its invocation died before sending) is taken over.
  const pending = Object.entries(state.declines).filter(
    ([, decline]) => decline.told === undefined || decline.told.status === 'claimed',
  );
  if (pending.length === 0) return [];
  if (!event) {
    logger.info('declines wait for the crew event', { declines: pending.length });
    return [];
  }
  if (event.status === 'cancelled') {
    logger.info('declines for a cancelled charter: nobody to tell', { declines: pending.length });
    return [];
  }
  const from = setting('SENDER_ADDRESS');
  const operatorAddress = () => setting('STALL_ALERT_ADDRESS');
  const deliveries: Delivery[] = [];
  for (const [key, decline] of pending) {
    const email = renderDeclineEmail({ state, decline, from, operatorAddress });
    const at = { kind: 'decline' as const, key };
    const outcome = await sendOnce(state.booking_id, at, email, 'crew-declined', claimer, decline.told?.claimed_by);
    logOutcome(logger, 'decline email', outcome, { member_id: decline.member_id, to: email.to });
    deliveries.push({ label: `decline of ${decline.member_id}`, ...outcome });
  }
  return deliveries;
}

/**
 * Sends the captain's copy of each member's notice that has one due (kept with the member's record when their notice
 * was recorded), each claimed, sent and recorded once like a decline email. A copy whose claim never reached SES is
 * taken over; one that may have gone is never sent again. Each outcome is added to `deliveries`; true when any was
 * tried (the state has changed).
 */
export async function sendCaptainCopies(
  state: JoinState,
  claimer: string,
  logger: Logger,
  deliveries: Delivery[],
): Promise<boolean> {
  const from = setting('SENDER_ADDRESS');
  let tried = false;
  for (const [memberId, record] of Object.entries(state.members)) {
    const copy = record.copy;
    if (!copyPending(copy)) continue;
    const member = { member_id: memberId, name: record.name, email: record.email, role: record.role };
    const email = renderCaptainCopy({ bookingId: state.booking_id, member, copy, from });
    const at = { kind: 'copy' as const, member: memberId, sequence: copy.sequence };
    const outcome = await sendOnce(state.booking_id, at, email, `copy-${copy.kind}`, claimer, copy.sent?.claimed_by);
    logOutcome(logger, "captain's copy", outcome, { member_id: memberId, notice: copy.kind, sequence: copy.sequence });
    deliveries.push({ label: `captain's copy of ${memberId}'s ${copy.kind}`, ...outcome });
    tried = true;
  }
  return tried;
}

/** One email to the captain (or the operator), claimed, sent and recorded once under `at`. */
function sendOnce(
  bookingId: string,
  at: OncePath,
  email: OutgoingEmail,
  kind: string,
  claimer: string,
  takeOverFrom: string | undefined,
) {
  return claimSendRecord({
    claim: () => claimOnce(bookingId, at, claimer, new Date(), takeOverFrom ? { takeOverFrom } : {}),
    markSending: () => markOnceSending(bookingId, at, claimer),
    unmarkSending: () => unmarkOnceSending(bookingId, at, claimer),
    send: (attempt) => sendEmail(email, { tags: { booking_id: bookingId, kind }, attempt }),
    record: ({ messageId }) => recordOnce(bookingId, at, claimer, messageId, new Date()),
    release: () => releaseOnce(bookingId, at, claimer),
    // Refused, or perhaps gone with the answer lost: kept so, and the captain is never told twice.
    keep: (status, reason) => markOnceKept(bookingId, at, claimer, status, reason),
  });
}
