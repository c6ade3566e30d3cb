import type { BookingCreated, BookingUpdated } from '@charter/events';
import { bookingEventRef, type BookingEventRef } from '@charter/shared/booking-revision';
import { busHandler } from '@charter/shared/consumer';
import { InvalidEventError } from '@charter/shared/errors';
import { issuesOf } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import type { Context } from 'aws-lambda';
import { applyBookingChange } from '../booking-changes';
import { CalendarEntryInput, calendarFieldsOf } from '../domain/entry';
import { invocationOf } from '../publishing';
import type { BookingChange } from '../store/heads';

const logger = createLogger('charter-calendar');

/**
 * BookingCreated, BookingUpdated, BookingCancelled -> the booking's head -> its entry in `calendar/<year>.json` ->
 * CalendarUpdated with the revision and status the JSON now shows. Ownership and revisions are checked in the head's
 * one conditional write (booking-changes.ts); another partner's event is dead-lettered as `not_owner`. (The function
 * keeps its v1 name, which the deployed stack and the cross-service tests know it by.)
 */
export const handler = busHandler(logger, {
  BookingCreated: (booking, envelope, context) =>
    apply(booking.booking_id, bookingEventRef(envelope, booking, false), scheduleOf(booking), context),
  BookingUpdated: (booking, envelope, context) =>
    apply(booking.booking_id, bookingEventRef(envelope, booking, false), scheduleOf(booking), context),
  BookingCancelled: (cancellation, envelope, context) =>
    apply(
      cancellation.booking_id,
      bookingEventRef(envelope, cancellation, true),
      { kind: 'cancel', cancelled_at: cancellation.cancelled_at },
      context,
    ),
});

/** The booking's schedule as the calendar keeps it; a booking it can never hold (a year it cannot name) is refused. */
function scheduleOf(booking: BookingCreated | BookingUpdated): BookingChange {
  const checked = CalendarEntryInput.safeParse(calendarFieldsOf(booking));
  if (!checked.success) throw new InvalidEventError(issuesOf(checked.error), booking.booking_id);
  return { kind: 'schedule', entry: checked.data };
}

async function apply(bookingId: string, ref: BookingEventRef, change: BookingChange, context: Context) {
  const result = await applyBookingChange(bookingId, ref, change, invocationOf(logger, context));
  const said = { revision: ref.revision, cancels: ref.cancels };
  if (result.kind === 'ignored')
    logger.info('booking event ignored: nothing changes', { ...said, reason: result.reason });
  else if (!result.update) logger.info('tombstone kept: a cancellation came first, nothing to show', said);
  else logger.info(`calendar ${result.kind}`, { ...said, ...result.update, event_id: result.eventId });
}
