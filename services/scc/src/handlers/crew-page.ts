import { html } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { renderCrewPage, CREW_PAGE_HEADERS } from '../domain/crew-page';
import { crewHandler, openCrewEvent } from '../edges';

const logger = createLogger('charter-scc');

/** GET /crew/{event_id}?token=: the crew page of the member the magic link belongs to. */
export const handler = crewHandler(logger, async (event) => {
  const token = event.queryStringParameters?.token;
  const { crewEvent, memberId } = await openCrewEvent(logger, event.pathParameters?.event_id ?? '', token);
  const page = event.rawPath.replace(/\/+$/, '');
  const body = renderCrewPage({
    event: crewEvent,
    memberId,
    token: token!,
    confirmAction: `${page}/confirm`,
    declineAction: `${page}/decline`,
  });
  return html(200, body, CREW_PAGE_HEADERS);
});
