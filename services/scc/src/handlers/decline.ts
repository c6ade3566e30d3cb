import { validate } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import * as z from '@charter/events/zod';
import { DeclineReason, crewDeclinedDetail, crewSafeDeclineReason } from '../domain/crew-answer';
import { answerResponse, answeredEvent, crewHandler, crewPostFrom, eventCancelled, openCrewEvent } from '../edges';
import { declineCrewMember } from '../store/answers';
import { readPrivateFacts } from '../store/table';

const logger = createLogger('charter-scc');
const DeclineRequest = z.object({ reason: DeclineReason });

/**
 * POST /crew/{event_id}/decline: "I can't make it", with a reason for the captain if the member gives one
 * (withdrawing their confirmation, if any). Idempotent: the first decline's time and reason stay, and a repeat
 * publishes the same CrewDeclined again, as a redelivery would. A browser is sent back to the crew page (303); a
 * caller asking for JSON gets the decline.
 */
export const handler = crewHandler(logger, async (event) => {
  const eventId = event.pathParameters?.event_id ?? '';
  const post = crewPostFrom(event);
  const { crewEvent, memberId } = await openCrewEvent(logger, eventId, post.token);
  const { reason } = validate(DeclineRequest, { reason: post.reason ?? undefined });
  if (crewEvent.lifecycle === 'cancelled') throw eventCancelled(eventId);
  // The captain and the crew page see the reason without money or contact details (a member may pass on a number).
  const safeReason = crewSafeDeclineReason(reason, await readPrivateFacts(eventId));

  const answered = answeredEvent(await declineCrewMember(eventId, memberId, safeReason), eventId);
  const detail = crewDeclinedDetail(answered, memberId)!;
  await publish('CrewDeclined', detail);
  logger.info('crew member declined', { crew_event_id: eventId, member_id: memberId, declined_at: detail.declined_at });
  const { declined_at, reason: given } = detail;
  return answerResponse(event, post.token!, {
    event_id: eventId,
    member_id: memberId,
    declined_at,
    reason: given ?? null,
  });
});
