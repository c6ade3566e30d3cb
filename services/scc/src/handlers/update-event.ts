import { ValidationError } from '@charter/shared/errors';
import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { UpdateEventRequest, etagOf, eventView, membersRemovedBy, planChanges } from '../domain/crew-event';
import {
  eventNotFound,
  jsonObjectBody,
  requireCrewEvent,
  requireExpectedVersion,
  requireServiceKey,
  versionConflict,
} from '../edges';
import { updateCrewEvent } from '../store';

const logger = createLogger('charter-scc');

/**
 * PATCH /events/{event_id}: change times, guest count, notes or crew (notes redacted again).
 * Optimistic concurrency: the caller names the version it read (expected_version or If-Match);
 * an edit based on an older version is 409, never a silent overwrite.
 */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const eventId = event.pathParameters?.event_id ?? '';
  const request = validate(UpdateEventRequest, jsonObjectBody(event));
  const expected = requireExpectedVersion(event, request.expected_version);
  const current = await requireCrewEvent(eventId);
  withBookingId(logger, current.booking_id);
  const plan = planChanges(current, request);
  if (!plan.ok) throw new ValidationError(plan.fields);

  const version = expected === 'any' ? current.version : expected;
  const result = await updateCrewEvent(eventId, plan.changes, version, membersRemovedBy(current, plan.changes));
  if (result.kind === 'not_found') throw eventNotFound(eventId);
  if (result.kind === 'stale') throw versionConflict(eventId, result.currentVersion, version);
  logger.info('crew event updated', {
    crew_event_id: eventId,
    version: result.event.version,
    fields: Object.keys(plan.changes),
  });
  return json(200, eventView(result.event), { etag: etagOf(result.event.version) });
});
