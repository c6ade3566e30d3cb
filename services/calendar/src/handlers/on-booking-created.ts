import { busHandler } from '@charter/shared/consumer';
import { InvalidEventError } from '@charter/shared/errors';
import { issuesOf } from '@charter/shared/http';
import { publish } from '@charter/shared/publisher';
import { logger, siteConfig } from '../config';
import { CalendarEntryInput, calendarFieldsOf, yearOf } from '../domain/entry';
import { calendarUrl } from '../domain/public-calendar';
import { deadlineOf, saveAndPublish } from '../publishing';

/**
 * BookingCreated -> the booking's calendar entry -> `calendar/<year>.json` -> CalendarUpdated.
 * Idempotent: a redelivery overwrites the same entry (keeping a status the operator set) and
 * announces again; CalendarUpdated goes out only once the JSON in the bucket holds the booking.
 */
export const handler = busHandler(logger, {
  BookingCreated: async (booking, _envelope, context) => {
    const checked = CalendarEntryInput.safeParse(calendarFieldsOf(booking));
    if (!checked.success) throw new InvalidEventError(issuesOf(checked.error), booking.booking_id);
    const entry = checked.data;
    await saveAndPublish(entry, { keepStatus: true }, deadlineOf(context));
    const year = yearOf(entry.charter_date);
    const eventId = await publish('CalendarUpdated', {
      schema_version: 1,
      booking_id: entry.booking_id,
      year,
      calendar_url: calendarUrl(siteConfig().CALENDAR_SITE_URL, year),
    });
    logger.info('calendar updated', { year, event_id: eventId });
  },
});
