import { json } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { crewHandler, eventGone, notOnCrew, openCrewEvent, redirect, tokenFrom, wantsJson } from '../edges';
import { confirmCrewMember } from '../store';

const logger = createLogger('charter-scc');

/**
 * POST /crew/{event_id}/confirm: the crew member says they will be there. Idempotent (the first
 * confirmation's time stays). A browser is sent back to the crew page (303, so a reload does not
 * post again); a caller asking for JSON gets the confirmation.
 */
export const handler = crewHandler(logger, async (event) => {
  const eventId = event.pathParameters?.event_id ?? '';
  const token = tokenFrom(event);
  const { memberId } = await openCrewEvent(logger, eventId, token);

  // Checked again by the write: a PATCH may take the member off the crew in between.
  const confirmed = await confirmCrewMember(eventId, memberId);
  if (confirmed.kind === 'not_found') throw eventGone();
  if (confirmed.kind === 'not_on_crew') throw notOnCrew();
  const confirmedAt = confirmed.event.confirmations[memberId]!;
  logger.info('crew member confirmed', { crew_event_id: eventId, member_id: memberId, confirmed_at: confirmedAt });
  if (wantsJson(event)) return json(200, { event_id: eventId, member_id: memberId, confirmed_at: confirmedAt });
  const page = event.rawPath.replace(/\/confirm\/?$/, '');
  return redirect(`${page}?token=${encodeURIComponent(token!)}`);
});
