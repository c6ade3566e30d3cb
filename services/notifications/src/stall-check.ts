import type { Logger } from '@aws-lambda-powertools/logger';
import { claimSendRecord } from './claim-send-record';
import { STALL_CHECK_SETTINGS, requireSettings, setting } from './config';
import type { OutgoingEmail } from './domain/email';
import type { JoinState } from './domain/state';
import { alertRecipient, stallDecision, type StallAlert } from './domain/stall';
import { renderDeliveryAlert, renderStallAlert } from './domain/stall-email';
import { publishCrewNotifiedOnce, settleBooking } from './notify-crew';
import {
  claimOnce,
  getJoin,
  markOnceKept,
  markOnceSending,
  unmarkOnceSending,
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
  const bookingLogger = logger.createChild({ persistentKeys: { booking_id: bookingId } });
  if (!(await getJoin(bookingId))) return 'gone';
  // First what a delivery would do: send what is due (its event may have been dead-lettered), take over a claim a
  // dead invocation left before sending, judge one it left while sending. Only what that cannot settle is alerted.
  try {
    await settleBooking(bookingId, claimer, bookingLogger, now);
  } catch (error) {
    bookingLogger.warn('the stall check could not settle the booking; deciding what to report', {
      error: error as Error,
    });
  }
  const state = await getJoin(bookingId);
  if (!state) return 'gone';
  const decision = stallDecision(state, now, { stallMinutes: setting('STALL_MINUTES') });
  let republished = false;
  for (const { group, notice } of decision.publish) {
    republished = (await publishCrewNotifiedOnce(group, notice, claimer, bookingLogger, now)) || republished;
  }
  if (decision.alert) {
    const to = alertRecipient(state, setting('STALL_ALERT_ADDRESS'), decision.alert);
    const from = setting('SENDER_ADDRESS');
    const consoleUrl = setting('OPS_CONSOLE_URL');
    const alert = decision.alert;
    const email =
      alert.kind === 'missing_step'
        ? renderStallAlert({ state, alert, now, from, to, consoleUrl })
        : renderDeliveryAlert({
            state,
            undelivered: alert.undelivered,
            from,
            to,
            consoleUrl,
            sccApiUrl: setting('SCC_API_URL'),
          });
    return alertOnce(state, alert, email, claimer, logger);
  }
  if (decision.watch === 'stop') {
    await stopWatching(state);
    return 'unwatched';
  }
  return republished ? 'republished' : 'watching';
}

/**
 * Claim, send, record, as for crew notices, under the alert's key: once per problem. A missing-step alert's claim
 * also requires the item unchanged since it was read, so an alert never goes out for a step that has just happened.
 * A delivery alert marks each member it names as reported.
 */
async function alertOnce(
  state: JoinState,
  alert: StallAlert,
  email: OutgoingEmail,
  claimer: string,
  logger: Logger,
): Promise<BookingCheck> {
  const bookingId = state.booking_id;
  const at = { kind: 'alert' as const, key: alert.key };
  const reported =
    alert.kind === 'undelivered'
      ? Object.fromEntries(
          alert.undelivered.filter((u) => u.status !== 'not_sent').map((u) => [u.member_id, u.sequence]),
        )
      : {};
  // A run that died after claiming the alert and before sending it left it `claimed`: taken over.
  const takeOverFrom = state.alerts[alert.key]?.claimed_by;
  const outcome = await claimSendRecord({
    claim: () =>
      claimOnce(bookingId, at, claimer, new Date(), {
        ...(takeOverFrom ? { takeOverFrom } : {}),
        ...(alert.kind === 'missing_step' ? { unchangedSince: state.updated_at } : {}),
      }),
    markSending: () => markOnceSending(bookingId, at, claimer),
    unmarkSending: () => unmarkOnceSending(bookingId, at, claimer),
    send: (attempt) =>
      sendEmail(email, { tags: { booking_id: bookingId, kind: alert.kind.replace('_', '-') }, attempt }),
    record: ({ messageId }) => recordOnce(bookingId, at, claimer, messageId, new Date(), { unwatch: true, reported }),
    // The next run (a minute later) tries again.
    release: () => releaseOnce(bookingId, at, claimer),
    // Either way nobody is alerted twice: a refusal is kept as rejected; one that may have gone keeps its claim.
    keep: async (status, reason) => {
      await markOnceKept(bookingId, at, claimer, status, reason);
      await stopWatching(state);
    },
  });
  const log = { booking_id: bookingId, alert: alert.key };
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
