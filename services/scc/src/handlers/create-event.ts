import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { privateFactsOf } from '@charter/shared/redaction';
import { CreateEventRequest, bookingEventOf, etagOf, eventView, projectRequest } from '../domain/crew-event';
import { jsonObjectBody, repeatedEvent, requireServiceKey } from '../edges';
import { createCrewEvent, rosterForNewEvent } from '../store/events';

const logger = createLogger('charter-scc');

/**
 * The operator's own channel: a crew event made here belongs to `direct`, at revision 1, so the operator's `direct`
 * BookingUpdated and BookingCancelled can change and cancel it, and no other partner's event can.
 */
const OPERATOR = { owner: 'direct', revision: 1 };

/**
 * POST /events: the operator's manual path to a crew event, with the same validation and
 * redaction as a booking. A retry of the same request answers 200 with the event (and publishes
 * its success event again, in case the first attempt died before it); a different event for a
 * booking that already has one is 409 `event_exists`, and a cancelled booking's 409 `cancelled`.
 */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const request = validate(CreateEventRequest, jsonObjectBody(event));
  withBookingId(logger, request.booking_id);
  const crew = request.crew ?? (await rosterForNewEvent('or name crew in the request'));
  const fields = projectRequest(request, crew);
  const result = await createCrewEvent(fields, 'api', OPERATOR, privateFactsOf(request));
  const crewEvent = result.kind === 'created' ? result.event : repeatedEvent(result.item, fields);
  const published = bookingEventOf(crewEvent);
  await publish(published.detail_type, published.detail);
  logger.info(result.kind === 'created' ? 'crew event created' : 'crew event request repeated', {
    crew_event_id: crewEvent.event_id,
  });
  return json(result.kind === 'created' ? 201 : 200, eventView(crewEvent), {
    etag: etagOf(crewEvent.version),
    location: `/events/${crewEvent.event_id}`,
  });
});
