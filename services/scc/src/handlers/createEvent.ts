import { HttpError, NotConfiguredError } from '@charter/shared';
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
import { jsonObjectBody, requireServiceKey } from '../edges';
import { createCrewEvent, currentRoster } from '../store';

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
  const roster = request.crew ? [] : await currentRoster();
  if (!request.crew && roster.length === 0) {
    throw new NotConfiguredError(
      'crew roster',
      'no roster is stored (PUT /crew) and DEFAULT_ROSTER is empty; or name crew in the request',
    );
  }
  const fields = projectRequest(request, roster);
  const { event: crewEvent, created } = await createCrewEvent(fields, 'api');
  if (!created && !sameFields(crewEvent, fields)) {
    throw new HttpError(
      409,
      'event_exists',
      `Booking ${request.booking_id} already has crew event ${crewEvent.event_id}; change it with PATCH /events/${crewEvent.event_id}.`,
      { event_id: crewEvent.event_id },
    );
  }
  await publish('EventCreated', eventCreatedDetail(crewEvent));
  logger.info(created ? 'crew event created' : 'crew event request repeated', { crew_event_id: crewEvent.event_id });
  return json(created ? 201 : 200, eventView(crewEvent), {
    etag: etagOf(crewEvent.version),
    location: `/events/${crewEvent.event_id}`,
  });
});
