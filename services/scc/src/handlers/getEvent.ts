import { notFound } from '@charter/shared';
import { httpHandler, json } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { EventId, etagOf, eventView } from '../domain/crew-event';
import { requireServiceKey } from '../edges';
import { getCrewEvent } from '../store';

const logger = createLogger('charter-scc');

/** GET /events/{event_id}: the event with its crew and confirmations; its ETag is its version. */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const eventId = event.pathParameters?.event_id ?? '';
  const crewEvent = EventId.safeParse(eventId).success ? await getCrewEvent(eventId) : undefined;
  if (!crewEvent) throw notFound(`There is no crew event ${eventId}.`, 'event_not_found');
  withBookingId(logger, crewEvent.booking_id);
  return json(200, eventView(crewEvent), { etag: etagOf(crewEvent.version) });
});
