import { badRequest, conflict, notFound } from '@charter/shared/errors';
import { header, httpHandler, json, rawBody } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { resendDecision } from '../domain/resend';
import { eventCancelled, notOnCrewAnyMore, requireCrewEvent, requireServiceKey } from '../edges';
import { resendOnce, type ResendAnswer } from '../store/resend-once';

const logger = createLogger('charter-scc');

/** Visible ASCII, as the IETF draft's Idempotency-Key is typically a UUID; bounded so the item key stays small. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * POST /events/{event_id}/crew/{member_id}/resend (X-Service-Key): asks the notifier to email one crew member a fresh
 * notice of the charter as it stands, with a fresh link to their crew page (CrewResendRequested). 404 for an unknown
 * event or member, 409 for a cancelled event or a member taken off the crew. Each call is one more notice. The route
 * takes no body: one sent (a client that thinks it can say more, an edited message) is refused, not ignored. With an
 * `Idempotency-Key` header, the same key for the same event and member within a day answers the first request's 202
 * body and publishes nothing more (`Idempotent-Replayed: true`); 409 `request_in_progress` while the first runs.
 */
export const handler = httpHandler(logger, async (event, context) => {
  await requireServiceKey(event);
  if (rawBody(event).trim() !== '') {
    throw badRequest('This route takes no body: the event and the member are in its path.', 'unexpected_body');
  }
  const idempotencyKey = header(event, 'idempotency-key');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.', 'invalid_idempotency_key');
  }
  const eventId = event.pathParameters?.event_id ?? '';
  const memberId = event.pathParameters?.member_id ?? '';
  const crewEvent = await requireCrewEvent(eventId);
  withBookingId(logger, crewEvent.booking_id);
  const request = async (): Promise<ResendAnswer> => {
    const decision = resendDecision(crewEvent, memberId, new Date());
    if (decision.kind === 'unknown_member')
      throw notFound(`Crew event ${eventId} has no crew member ${memberId}.`, 'member_not_found');
    if (decision.kind === 'cancelled') throw eventCancelled(eventId);
    if (decision.kind === 'not_on_crew')
      throw notOnCrewAnyMore(`${memberId} was taken off the crew of ${eventId}; a notice would tell them otherwise.`);
    const busEventId = await publish('CrewResendRequested', decision.detail);
    logger.info('fresh crew notice requested', { crew_event_id: eventId, member_id: memberId });
    const { member_id, requested_at } = decision.detail;
    return { status: 'accepted', event_id: eventId, member_id, requested_at, request_id: busEventId };
  };
  if (idempotencyKey === undefined) return json(202, await request());
  const once = await resendOnce({ eventId, memberId, idempotencyKey }, context, request);
  if (once.kind === 'in_progress')
    throw conflict(
      'A request with this Idempotency-Key is still being handled: try again in a moment.',
      'request_in_progress',
    );
  if (once.replayed) logger.info('repeat of an Idempotency-Key: first answer returned', { crew_event_id: eventId });
  return json(202, once.answer, once.replayed ? { 'idempotent-replayed': 'true' } : {});
});
