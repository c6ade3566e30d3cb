import { busHandler } from '@charter/shared/consumer';
import { InvalidEventError } from '@charter/shared/errors';
import { issuesOf } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { CalendarEntryInput, calendarFieldsOf } from '../domain/entry';
import { invocationOf, saveAndAnnounce } from '../publishing';

const logger = createLogger('charter-calendar');

/**
 * BookingCreated -> the booking's calendar entry -> `calendar/<year>.json` -> CalendarUpdated.
 * Idempotent: a redelivery overwrites the same entry (keeping a status the operator set) and
 * announces again; CalendarUpdated goes out only once the JSON in the bucket holds the booking.
 */
export const handler = busHandler(logger, {
  BookingCreated: async (booking, _envelope, context) => {
    const checked = CalendarEntryInput.safeParse(calendarFieldsOf(booking));
    if (!checked.success) throw new InvalidEventError(issuesOf(checked.error), booking.booking_id);
    const announced = await saveAndAnnounce(checked.data, { keepStatus: true }, invocationOf(logger, context));
    logger.info('calendar updated', { year: announced.year, event_id: announced.eventId });
  },
});
