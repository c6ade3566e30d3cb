import { HttpError } from '@charter/shared';
import { requireSharedKey } from '@charter/shared/auth';
import { httpHandler, json, jsonBody, validate } from '@charter/shared/http';
import { withBookingId } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { SecretReader } from '@charter/shared/secrets';
import { dashboardConfig, logger, siteConfig } from '../config';
import { CalendarEntryInput, yearOf } from '../domain/entry';
import { calendarUrl } from '../domain/public-calendar';
import { RebuildTimeoutError, deadlineOf, saveAndPublish } from '../publishing';

const secrets = new SecretReader();

/**
 * POST /calendar/entries from the admin dashboard: creates (201) or replaces (200) a booking's
 * entry, answering once the public JSON holds it, and announces it like a bus booking would.
 */
export const handler = httpHandler(logger, async (event, context) => {
  await requireSharedKey(event, dashboardConfig().DASHBOARD_TOKEN_SECRET, 'X-Dashboard-Token');
  const entry = validate(CalendarEntryInput, jsonBody(event), 'invalid_entry');
  withBookingId(logger, entry.booking_id);

  const saved = await saveAndPublish(entry, { keepStatus: false }, deadlineOf(context)).catch((error: unknown) => {
    if (error instanceof RebuildTimeoutError) {
      throw new HttpError(
        503,
        'calendar_busy',
        'The entry is saved but the public calendar is still being rebuilt; retry the same request in a few seconds.',
      );
    }
    throw error;
  });
  const year = yearOf(entry.charter_date);
  const url = calendarUrl(siteConfig().CALENDAR_SITE_URL, year);
  await publish('CalendarUpdated', { schema_version: 1, booking_id: entry.booking_id, year, calendar_url: url });
  logger.info(saved.created ? 'calendar entry created' : 'calendar entry replaced', { year });
  return json(saved.created ? 201 : 200, { entry: saved.entry, calendar_url: url });
});
