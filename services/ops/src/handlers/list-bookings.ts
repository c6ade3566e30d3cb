import { requireSharedKey } from '@charter/shared/auth';
import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { setting } from '../config';
import { DateRange } from '../domain/range';
import { chartersIn } from '../read-model';

const logger = createLogger('charter-ops');

/** GET /ops/bookings?from=YYYY-MM-DD&to=YYYY-MM-DD: the charters in the range with their status and readiness. */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const query = event.queryStringParameters ?? {};
  const range = validate(DateRange, { from: query.from, to: query.to }, 'invalid_range');
  const bookings = await chartersIn(range, new Date());
  return json(200, { ...range, count: bookings.length, bookings });
});
