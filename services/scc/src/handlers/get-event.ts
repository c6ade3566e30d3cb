import { httpHandler, json } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { etagOf, eventView } from '../domain/crew-event';
import { requireCrewEvent, requireServiceKey } from '../edges';

const logger = createLogger('charter-scc');

/** GET /events/{event_id}: the event with its crew and confirmations; its ETag is its version. */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const crewEvent = await requireCrewEvent(event.pathParameters?.event_id ?? '');
  withBookingId(logger, crewEvent.booking_id);
  return json(200, eventView(crewEvent), { etag: etagOf(crewEvent.version) });
});
