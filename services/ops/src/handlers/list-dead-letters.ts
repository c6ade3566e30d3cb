import { requireSharedKey } from '@charter/shared/auth';
import { httpHandler, json } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { setting } from '../config';
import { whatToDoWith } from '../domain/dead-letters';
import { peekDeadLetters } from '../store/dead-letter-queues';

const logger = createLogger('charter-ops');

/**
 * Per queue, at most this many letters are listed (a phone shows a few; each queue's total is given): every queue is
 * read at once, so 100 letters in each of six queues is a few calls a queue, not hundreds in a row, well inside the
 * function's 10 seconds, and no letter is hidden from `npm run dlq` for longer than the read.
 */
const LISTED_PER_QUEUE = 20;

/** GET /ops/dead-letters: what every service's dead-letter queue holds now, newest first, left in the queues. */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const { letters, queues, missing, truncated } = await peekDeadLetters(
    setting('DEAD_LETTER_QUEUES'),
    LISTED_PER_QUEUE,
  );
  const sorted = [...letters].sort((a, b) => b.failed_at.localeCompare(a.failed_at));
  return json(200, {
    count: queues.reduce((sum, q) => sum + q.total, 0),
    listed: sorted.length,
    dead_letters: sorted.map((letter) => ({ ...letter, what_to_do: whatToDoWith(letter) })),
    queues,
    missing_queues: missing,
    truncated_queues: truncated,
  });
});
