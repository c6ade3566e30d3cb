import { notFound } from '@charter/shared';
import { html } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { renderCrewPage, CREW_PAGE_HEADERS } from '../domain/crew-page';
import { crewHandler, requireCrewMember, verifyCrewLink } from '../edges';
import { getCrewEvent } from '../store';

const logger = createLogger('charter-scc');

/** GET /crew/{event_id}?token=: the crew page of the member the magic link belongs to. */
export const handler = crewHandler(logger, async (event) => {
  const eventId = event.pathParameters?.event_id ?? '';
  const token = event.queryStringParameters?.token;
  // The token is checked before the event is looked up, so a stranger learns nothing about which events exist.
  const memberId = await verifyCrewLink(eventId, token);
  const crewEvent = await getCrewEvent(eventId);
  if (!crewEvent) throw notFound('This crew event no longer exists.', 'event_not_found');
  withBookingId(logger, crewEvent.booking_id);
  requireCrewMember(crewEvent, memberId);
  const page = renderCrewPage({
    event: crewEvent,
    memberId,
    token: token!,
    confirmAction: `${event.rawPath.replace(/\/+$/, '')}/confirm`,
  });
  return html(200, page, CREW_PAGE_HEADERS);
});
