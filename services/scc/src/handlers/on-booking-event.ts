import { bookingEventRef } from '@charter/shared/booking-revision';
import { busHandler } from '@charter/shared/consumer';
import { createLogger } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { applyBooking, applyCancellation, type BookingOutcome } from '../apply-booking-event';

const logger = createLogger('charter-scc');

/**
 * BookingCreated, BookingUpdated and BookingCancelled -> the booking's one crew event -> EventCreated, EventUpdated or
 * EventCancelled. Delivered at least once, in any order, maybe concurrently, maybe days late: the revision guard lets
 * only a newer revision (or the cancellation) change the event, another partner's event is dead-lettered (not_owner),
 * and a redelivery publishes the success event kept on the item again (the first attempt may have died before
 * publishing; the notifier is idempotent). A stale event, or one after the cancellation, is logged and changes
 * nothing. The booking itself is never logged: it carries money.
 */
export const handler = busHandler(logger, {
  BookingCreated: async (booking, envelope) =>
    settle(await applyBooking(booking, bookingEventRef(envelope, booking, false))),
  BookingUpdated: async (booking, envelope) =>
    settle(await applyBooking(booking, bookingEventRef(envelope, booking, false))),
  BookingCancelled: async (detail, envelope) =>
    settle(await applyCancellation(detail, bookingEventRef(envelope, detail, true))),
});

async function settle(outcome: BookingOutcome): Promise<void> {
  const what = outcome.kind === 'applied' ? outcome.action : outcome.refusal.kind;
  const detail = outcome.publish?.detail;
  logger.info(`booking event ${outcome.kind}: ${what}`, {
    ...(outcome.kind === 'refused' ? { refusal: outcome.refusal } : {}),
    ...(detail ? { crew_event_id: detail.event_id, revision: detail.revision, version: detail.version } : {}),
    publishes: outcome.publish?.detail_type ?? 'nothing',
  });
  if (outcome.publish) await publish(outcome.publish.detail_type, outcome.publish.detail);
}
