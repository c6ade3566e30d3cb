import { HttpError, ValidationError, badRequest, conflict, notFound } from '@charter/shared';
import { header, httpHandler, json, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { EventId, UpdateEventRequest, etagOf, eventView, expectedVersion, planChanges } from '../domain/crew-event';
import { jsonObjectBody, requireServiceKey } from '../edges';
import { getCrewEvent, updateCrewEvent } from '../store';

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
  const expected = expectedVersion(request.expected_version, header(event, 'if-match'));
  if (expected.ok === 'missing') {
    throw new HttpError(
      428,
      'version_required',
      'Send the version you are changing: expected_version in the body or an If-Match header with the ETag.',
    );
  }
  if (!expected.ok) throw badRequest(expected.message, 'bad_if_match');

  const current = EventId.safeParse(eventId).success ? await getCrewEvent(eventId) : undefined;
  if (!current) throw notFound(`There is no crew event ${eventId}.`, 'event_not_found');
  withBookingId(logger, current.booking_id);
  const plan = planChanges(current, request);
  if (!plan.ok) throw new ValidationError(plan.fields);

  const version = expected.version === 'any' ? current.version : expected.version;
  const removed = plan.changes.crew
    ? current.crew.map((m) => m.member_id).filter((id) => !plan.changes.crew!.some((m) => m.member_id === id))
    : [];
  const result = await updateCrewEvent(eventId, plan.changes, version, removed);
  if (result.outcome === 'not_found') throw notFound(`There is no crew event ${eventId}.`, 'event_not_found');
  if (result.outcome === 'stale') {
    throw conflict(
      `Crew event ${eventId} is at version ${result.currentVersion}, not ${version}: read it again and reapply your change.`,
      'version_conflict',
    );
  }
  logger.info('crew event updated', {
    crew_event_id: eventId,
    version: result.event.version,
    fields: Object.keys(plan.changes),
  });
  return json(200, eventView(result.event), { etag: etagOf(result.event.version) });
});
