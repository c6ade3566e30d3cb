import { requireSharedKey } from '@charter/shared/auth';
import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { setting } from '../config';
import { YearQuery, compareEntries } from '../domain/entry';
import { queryYearEntries } from '../store/entries';

const logger = createLogger('charter-calendar');

/** GET /calendar/entries?year=YYYY: the year's internal entries, in calendar order. */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const { year } = validate(YearQuery, { year: event.queryStringParameters?.year }, 'invalid_year');
  const entries = (await queryYearEntries(year)).sort(compareEntries);
  return json(200, { year, count: entries.length, entries });
});
