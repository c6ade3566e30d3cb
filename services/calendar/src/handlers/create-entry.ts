import { requireSharedKey } from '@charter/shared/auth';
import { HttpError, conflict } from '@charter/shared/errors';
import { httpHandler, json, jsonBody, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { saveOperatorEntry } from '../booking-changes';
import { setting } from '../config';
import { CalendarEntryInput } from '../domain/entry';
import { RebuildTimeoutError, invocationOf } from '../publishing';

const logger = createLogger('charter-calendar');

/**
 * POST /calendar/entries from the admin dashboard: creates (201) or corrects (200) a booking's entry, answering once
 * the public JSON shows it, and announces it like a booking change. The operator's correction holds until the
 * booking's owner sends a newer revision (README, "The booking's states").
 */
export const handler = httpHandler(logger, async (event, context) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const entry = validate(CalendarEntryInput, jsonBody(event), 'invalid_entry');
  withBookingId(logger, entry.booking_id);

  const saved = await saveOperatorEntry(entry, invocationOf(logger, context)).catch((error: unknown) => {
    if (!(error instanceof RebuildTimeoutError)) throw error;
    throw new HttpError(
      503,
      'calendar_busy',
      'The entry is saved but the public calendar is still being rebuilt; retry the same request in a few seconds.',
    );
  });
  if (saved.kind === 'not_owner') {
    throw conflict(
      `Booking ${entry.booking_id} belongs to ${saved.owner}; send source "${saved.owner}" to correct its entry.`,
      'not_owner',
    );
  }
  if (saved.kind === 'cancelled') {
    throw conflict(`Booking ${entry.booking_id} was cancelled by its partner; a cancellation is final.`, 'cancelled');
  }
  logger.info(saved.created ? 'calendar entry created' : 'calendar entry corrected', {
    revision: saved.entry.revision,
  });
  return json(saved.created ? 201 : 200, { entry: saved.entry, calendar_url: saved.calendarUrl });
});
