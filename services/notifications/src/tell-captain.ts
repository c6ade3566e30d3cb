import type { Logger } from '@aws-lambda-powertools/logger';
import { claimSendRecord } from './claim-send-record';
import { setting } from './config';
import { renderDeclineEmail } from './domain/decline-email';
import type { JoinState } from './domain/state';
import { logOutcome, type Delivery } from './deliveries';
import { claimOnce, markOnceKept, markOnceSending, recordOnce, releaseOnce, unmarkOnceSending } from './store/join';
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
    const takeOverFrom = decline.told?.claimed_by;
    const outcome = await claimSendRecord({
      claim: () => claimOnce(state.booking_id, at, claimer, new Date(), takeOverFrom ? { takeOverFrom } : {}),
      markSending: () => markOnceSending(state.booking_id, at, claimer),
      unmarkSending: () => unmarkOnceSending(state.booking_id, at, claimer),
      send: (attempt) => sendEmail(email, { tags: { booking_id: state.booking_id, kind: 'crew-declined' }, attempt }),
      record: ({ messageId }) => recordOnce(state.booking_id, at, claimer, messageId, new Date()),
      release: () => releaseOnce(state.booking_id, at, claimer),
      // Refused, or perhaps gone with the answer lost: kept so, and the captain is never told twice.
      keep: (status, reason) => markOnceKept(state.booking_id, at, claimer, status, reason),
    });
    logOutcome(logger, 'decline email', outcome, { member_id: decline.member_id, to: email.to });
    deliveries.push({ label: `decline of ${decline.member_id}`, ...outcome });
  }
  return deliveries;
}
