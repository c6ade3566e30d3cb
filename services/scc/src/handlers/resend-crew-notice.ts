import { badRequest, notFound } from '@charter/shared/errors';
import { httpHandler, json, rawBody } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { resendDecision } from '../domain/resend';
import { eventCancelled, notOnCrewAnyMore, requireCrewEvent, requireServiceKey } from '../edges';

const logger = createLogger('charter-scc');

/**
 * POST /events/{event_id}/crew/{member_id}/resend (X-Service-Key): asks the notifier to email one crew member a fresh
 * notice of the charter as it stands, with a fresh link to their crew page (CrewResendRequested). 404 for an unknown
 * event or member, 409 for a cancelled event or a member taken off the crew. Each call is one more notice. The route
 * takes no body: one sent (a client that thinks it can say more, an edited message) is refused, not ignored.
 */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  if (rawBody(event).trim() !== '') {
    throw badRequest('This route takes no body: the event and the member are in its path.', 'unexpected_body');
  }
  const eventId = event.pathParameters?.event_id ?? '';
  const memberId = event.pathParameters?.member_id ?? '';
  const crewEvent = await requireCrewEvent(eventId);
  withBookingId(logger, crewEvent.booking_id);
  const decision = resendDecision(crewEvent, memberId, new Date());
  if (decision.kind === 'unknown_member')
    throw notFound(`Crew event ${eventId} has no crew member ${memberId}.`, 'member_not_found');
  if (decision.kind === 'cancelled') throw eventCancelled(eventId);
  if (decision.kind === 'not_on_crew')
    throw notOnCrewAnyMore(`${memberId} was taken off the crew of ${eventId}; a notice would tell them otherwise.`);
  const busEventId = await publish('CrewResendRequested', decision.detail);
  logger.info('fresh crew notice requested', { crew_event_id: eventId, member_id: memberId });
  const { member_id, requested_at } = decision.detail;
  return json(202, { status: 'accepted', event_id: eventId, member_id, requested_at, request_id: busEventId });
});
