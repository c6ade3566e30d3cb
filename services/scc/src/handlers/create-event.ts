import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import {
  CreateEventRequest,
  etagOf,
  eventCreatedDetail,
  eventView,
  projectRequest,
  sameFields,
} from '../domain/crew-event';
import { eventExists, jsonObjectBody, requireServiceKey } from '../edges';
import { createCrewEvent, rosterForNewEvent } from '../store';

const logger = createLogger('charter-scc');

/**
 * POST /events: the operator's manual path to a crew event, with the same validation and
 * redaction as a booking. A retry of the same request answers 200 with the event (and publishes
 * EventCreated again, in case the first attempt died before it); a different event for a
 * booking that already has one is 409.
 */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const request = validate(CreateEventRequest, jsonObjectBody(event));
  withBookingId(logger, request.booking_id);
  const crew = request.crew ?? (await rosterForNewEvent('or name crew in the request'));
  const fields = projectRequest(request, crew);
  const { event: crewEvent, created } = await createCrewEvent(fields, 'api');
  if (!created && !sameFields(crewEvent, fields)) throw eventExists(request.booking_id, crewEvent.event_id);
  await publish('EventCreated', eventCreatedDetail(crewEvent));
  logger.info(created ? 'crew event created' : 'crew event request repeated', { crew_event_id: crewEvent.event_id });
  return json(created ? 201 : 200, eventView(crewEvent), {
    etag: etagOf(crewEvent.version),
    location: `/events/${crewEvent.event_id}`,
  });
});
