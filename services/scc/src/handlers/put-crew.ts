import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { PutRosterRequest } from '../domain/crew-event';
import { jsonObjectBody, requireServiceKey } from '../edges';
import { putRoster } from '../store/events';

const logger = createLogger('charter-scc');

/** PUT /crew: replaces the roster that new crew events get (existing events keep their crew). */
export const handler = httpHandler(logger, async (event) => {
  await requireServiceKey(event);
  const { crew } = validate(PutRosterRequest, jsonObjectBody(event));
  await putRoster(crew);
  logger.info('crew roster replaced', { members: crew.map((m) => m.member_id) });
  return json(200, { crew });
});
