import { httpHandler, json } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { crewUpdatedDetail } from '../domain/booking-change';
import { etagOf, eventView, isRepeatedCrewChange, planCrewChange, type CrewEvent } from '../domain/crew-event';
import {
  crewChangeRequest,
  eventCancelled,
  eventNotFound,
  requireCrewEvent,
  requireExpectedVersion,
  requireServiceKey,
  versionConflict,
} from '../edges';
import { changeCrew } from '../store/events';
import { readPrivateFacts } from '../store/table';

const logger = createLogger('charter-scc');

/**
 * PATCH /events/{event_id}: what only the crew side owns, the crew and the crew notes (redacted again); the charter
 * changes with its booking (BookingUpdated). Optimistic concurrency: the caller names the version it read
 * (expected_version or If-Match); an edit based on an older version is 409, never a silent overwrite, unless it is the
 * retry of the edit that made the current version (then it is answered again). Publishes EventUpdated (cause `crew`).
 */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const eventId = event.pathParameters?.event_id ?? '';
  const current = await requireCrewEvent(eventId);
  withBookingId(logger, current.booking_id);
  const request = crewChangeRequest(event);
  if (current.lifecycle === 'cancelled') throw eventCancelled(eventId);
  const expected = requireExpectedVersion(event, request.expected_version);
  // Crew notes are scrubbed against the booking's own amounts and guest contacts, whether or not the PATCH names them.
  const plan = planCrewChange(current, request, await readPrivateFacts(eventId));
  if (expected !== 'any' && expected !== current.version) {
    if (!isRepeatedCrewChange(current, expected, plan)) throw versionConflict(eventId, current.version, expected);
    return answeredAgain(current);
  }

  const after = { ...current, crew: plan.changes.crew ?? current.crew, version: current.version + 1 };
  const detail = crewUpdatedDetail(after, plan);
  const result = await changeCrew(current, plan, detail);
  if (result.kind === 'not_found') throw eventNotFound(eventId);
  if (result.kind === 'cancelled') throw eventCancelled(eventId);
  if (result.kind === 'stale') {
    // DynamoDB may apply the write and lose its answer; the SDK's retry then meets it as a newer version. Ours, if it
    // is this very change: answered, and its EventUpdated published, rather than refused as someone else's.
    if (!isRepeatedCrewChange(result.current, current.version, plan))
      throw versionConflict(eventId, result.currentVersion, current.version);
    return answeredAgain(result.current);
  }
  await publish('EventUpdated', detail);
  logger.info('crew event changed by the crew side', {
    crew_event_id: eventId,
    version: detail.version,
    crew_added: detail.crew_added,
    crew_removed: detail.crew_removed.map((member) => member.member_id),
  });
  return changed(result.event);
});

const changed = (crewEvent: CrewEvent) => json(200, eventView(crewEvent), { etag: etagOf(crewEvent.version) });

/** The change already made (a client's retry, or the SDK's after a lost answer): its EventUpdated again, and it. */
async function answeredAgain(crewEvent: CrewEvent) {
  await publish('EventUpdated', crewEvent.crew_change!.detail);
  return changed(crewEvent);
}
