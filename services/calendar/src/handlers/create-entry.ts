import { requireSharedKey } from '@charter/shared/auth';
import { HttpError } from '@charter/shared/errors';
import { httpHandler, json, jsonBody, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { setting } from '../config';
import { CalendarEntryInput } from '../domain/entry';
import { RebuildTimeoutError, invocationOf, saveAndAnnounce } from '../publishing';

const logger = createLogger('charter-calendar');

/**
 * POST /calendar/entries from the admin dashboard: creates (201) or replaces (200) a booking's
 * entry, answering once the public JSON holds it, and announces it like a bus booking would.
 */
export const handler = httpHandler(logger, async (event, context) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const entry = validate(CalendarEntryInput, jsonBody(event), 'invalid_entry');
  withBookingId(logger, entry.booking_id);

  const saved = await saveAndAnnounce(entry, { keepStatus: false }, invocationOf(logger, context)).catch(
    (error: unknown) => {
      if (!(error instanceof RebuildTimeoutError)) throw error;
      throw new HttpError(
        503,
        'calendar_busy',
        'The entry is saved but the public calendar is still being rebuilt; retry the same request in a few seconds.',
      );
    },
  );
  logger.info(saved.created ? 'calendar entry created' : 'calendar entry replaced', { year: saved.year });
  return json(saved.created ? 201 : 200, { entry: saved.entry, calendar_url: saved.calendarUrl });
});
