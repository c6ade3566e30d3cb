import { createLogger } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { crewConfirmedDetail } from '../domain/crew-answer';
import { answerResponse, answeredEvent, crewHandler, crewPostFrom, eventCancelled, openCrewEvent } from '../edges';
import { confirmCrewMember } from '../store/answers';

const logger = createLogger('charter-scc');

/**
 * POST /crew/{event_id}/confirm: the crew member says they will be there (withdrawing a decline, if any). Idempotent:
 * the first confirmation's time stays, and a repeat publishes the same CrewConfirmed again, as a redelivery would (the
 * first attempt may have died before publishing). A browser is sent back to the crew page (303, so a reload does not
 * post again); a caller asking for JSON gets the confirmation.
 */
export const handler = crewHandler(logger, async (event) => {
  const eventId = event.pathParameters?.event_id ?? '';
  const { token } = crewPostFrom(event);
  const { crewEvent, memberId } = await openCrewEvent(logger, eventId, token);
  if (crewEvent.lifecycle === 'cancelled') throw eventCancelled(eventId);

  // Checked again by the write: a PATCH may take the member off the crew in between, or the booking be cancelled.
  const answered = answeredEvent(await confirmCrewMember(eventId, memberId), eventId);
  const detail = crewConfirmedDetail(answered, memberId)!;
  await publish('CrewConfirmed', detail);
  logger.info('crew member confirmed', {
    crew_event_id: eventId,
    member_id: memberId,
    confirmed_at: detail.confirmed_at,
  });
  return answerResponse(event, token!, { event_id: eventId, member_id: memberId, confirmed_at: detail.confirmed_at });
});
