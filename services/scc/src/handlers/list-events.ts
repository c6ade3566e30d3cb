import { BookingId } from '@charter/events';
import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import * as z from '@charter/events/zod';
import { eventView } from '../domain/crew-event';
import { requireServiceKey } from '../edges';
import { findEventIdByBooking, getCrewEvent } from '../store/events';

const logger = createLogger('charter-scc');
const Query = z.object({ booking_id: BookingId });

/** GET /events?booking_id=: the booking's crew event, as a list of zero or one. */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const { booking_id } = validate(Query, { booking_id: event.queryStringParameters?.booking_id ?? '' });
  withBookingId(logger, booking_id);
  const eventId = await findEventIdByBooking(booking_id);
  const crewEvent = eventId ? await getCrewEvent(eventId) : undefined;
  return json(200, { events: crewEvent ? [eventView(crewEvent)] : [] });
});
