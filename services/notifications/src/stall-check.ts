import type { Logger } from '@aws-lambda-powertools/logger';
import { claimSendRecord } from './claim-send-record';
import { STALL_CHECK_SETTINGS, requireSettings, setting } from './config';
import type { OutgoingEmail } from './domain/email';
import { alertRecipient, stallDecision, type JoinState, type MissingStep, type OnceField } from './domain/join';
import { renderDeliveryAlert, renderStallAlert } from './domain/stall-email';
import { publishCrewNotifiedOnce } from './notify-crew';
import {
  claimOnce,
  getJoin,
  markOnceRejected,
  recordOnce,
  releaseOnce,
  stopWatching,
  watchedSince,
} from './store/join';
import { sendEmail } from './store/mail';

/** What one run did with one watched booking. */
type BookingCheck =
  'gone' | 'watching' | 'unwatched' | 'republished' | 'skipped' | 'alerted' | 'rejected' | 'unconfirmed';

export interface StallCheckSummary {
  watched: number;
  alerts: number;
  republished: number;
  unwatched: number;
}

/**
 * One run of the stall check: every booking on the watch list since at least STALL_MINUTES ago
 * is read (consistently) and decided on; each alert is claimed before it is sent, so a booking
 * is reported once however many runs see it. A booking that cannot be checked does not stop
 * the others; the run fails at the end so the error is visible.
 */
export async function checkStalls(now: Date, claimer: string, logger: Logger): Promise<StallCheckSummary> {
  requireSettings(STALL_CHECK_SETTINGS);
  const ids = await watchedSince(new Date(now.getTime() - setting('STALL_MINUTES') * 60_000));
  const summary: StallCheckSummary = { watched: ids.length, alerts: 0, republished: 0, unwatched: 0 };
  const errors: unknown[] = [];
  for (const bookingId of ids) {
    try {
      const outcome = await checkBooking(bookingId, now, claimer, logger);
      if (outcome === 'alerted') summary.alerts++;
      if (outcome === 'republished') summary.republished++;
      if (outcome === 'unwatched') summary.unwatched++;
    } catch (error) {
      errors.push(error);
      logger.error('stall check failed for a booking', { booking_id: bookingId, error: error as Error });
    }
  }
  if (errors.length > 0)
    throw new AggregateError(errors, `${errors.length} of ${ids.length} watched bookings could not be checked`);
  return summary;
}

async function checkBooking(bookingId: string, now: Date, claimer: string, logger: Logger): Promise<BookingCheck> {
  const state = await getJoin(bookingId);
  if (!state) return 'gone';
  const decision = stallDecision(state, now, { stallMinutes: setting('STALL_MINUTES') });
  const from = setting('SENDER_ADDRESS');
  const operator = setting('STALL_ALERT_ADDRESS');
  switch (decision.kind) {
    case 'keep_watching':
      return 'watching';
    case 'stop_watching':
      await stopWatching(state);
      return 'unwatched';
    case 'publish':
      await publishCrewNotifiedOnce(
        decision.notice,
        claimer,
        logger.createChild({ persistentKeys: { booking_id: bookingId } }),
        now,
      );
      return 'republished';
    case 'missing_step': {
      const to = decision.missing === 'crew_event' ? operator : alertRecipient(state, operator);
      const email = renderStallAlert({ state, missing: decision.missing, since: decision.since, now, from, to });
      return alertOnce(state, 'stall_alert', email, claimer, logger, decision.missing);
    }
    case 'undelivered': {
      const to = alertRecipient(state, operator, decision.undelivered);
      const email = renderDeliveryAlert({ state, undelivered: decision.undelivered, from, to });
      return alertOnce(state, 'delivery_alert', email, claimer, logger);
    }
  }
}

/**
 * Claim, send, record, as for crew email. The stall alert's claim also requires the step to be
 * still missing, so an alert never goes out for a step that has just happened.
 */
async function alertOnce(
  state: JoinState,
  field: OnceField,
  email: OutgoingEmail,
  claimer: string,
  logger: Logger,
  whileMissing?: MissingStep,
): Promise<BookingCheck> {
  const bookingId = state.booking_id;
  const outcome = await claimSendRecord({
    claim: () => claimOnce(bookingId, field, claimer, new Date(), whileMissing ? { whileMissing } : {}),
    send: () => sendEmail(email, { tags: { booking_id: bookingId, kind: field.replace('_', '-') } }),
    record: ({ messageId }) => recordOnce(bookingId, field, claimer, messageId, new Date()),
    // The next run (a minute later) tries again.
    release: () => releaseOnce(bookingId, field, claimer),
    // Either way nobody is alerted twice: a refusal is kept as rejected; one that may have gone keeps its claim.
    keep: (status, reason) =>
      status === 'rejected' ? markOnceRejected(bookingId, field, claimer, reason) : stopWatching(state),
  });
  const log = { booking_id: bookingId, alert: field, ...(whileMissing ? { missing: whileMissing } : {}) };
  switch (outcome.kind) {
    case 'claimed_elsewhere':
      logger.info('alert already sent, or no longer needed', log);
      return 'skipped';
    case 'sent':
      logger.warn('booking needs attention; alert sent', {
        ...log,
        subject: email.subject,
        message_id: outcome.sent.messageId,
      });
      return 'alerted';
    case 'released':
      throw new Error(`alert for booking ${bookingId} not sent: ${outcome.reason}`);
    case 'rejected':
      logger.error('SES rejected the alert; nobody was told this booking needs attention', {
        ...log,
        reason: outcome.reason,
      });
      return 'rejected';
    case 'unconfirmed':
      logger.error('SES gave no answer to the alert; it may have gone and is not re-sent', {
        ...log,
        reason: outcome.reason,
      });
      return 'unconfirmed';
  }
}
