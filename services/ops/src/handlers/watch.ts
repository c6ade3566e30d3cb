import { createLogger } from '@charter/shared/logger';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { watchOnce } from '../watch';

const logger = createLogger('charter-ops');

/** When the run was due: the schedule's tick (the event's time), so a late start judges silence as of its minute. */
function dueAt(event: Partial<ScheduledEvent> | undefined): Date {
  const tick = Date.parse(event?.time ?? '');
  return Number.isNaN(tick) ? new Date() : new Date(tick);
}

/** Runs every minute. A failure is logged and thrown; the next tick is the retry (nothing to dead-letter). */
export const handler = async (event: Partial<ScheduledEvent> | undefined, context: Context): Promise<void> => {
  logger.resetKeys();
  logger.addContext(context);
  const now = dueAt(event);
  try {
    logger.info('watch done', { ...(await watchOnce(now, logger)), as_of: now.toISOString() });
  } catch (error) {
    logger.error('watch failed', { error: error as Error });
    throw error;
  }
};
