import { requireSharedKey } from '@charter/shared/auth';
import { httpHandler, json } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { setting } from '../config';
import { peekDeadLetters } from '../store/dead-letter-queues';

const logger = createLogger('charter-ops');

/** GET /ops/dead-letters: what every service's dead-letter queue holds now, newest first, left in the queues. */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const { letters, missing, truncated } = await peekDeadLetters(setting('DEAD_LETTER_QUEUES'));
  const sorted = [...letters].sort((a, b) => b.failed_at.localeCompare(a.failed_at));
  return json(200, {
    count: sorted.length,
    dead_letters: sorted,
    missing_queues: missing,
    truncated_queues: truncated,
  });
});
