import { createLogger } from '@charter/shared/logger';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { watchOnce } from '../watch';

const logger = createLogger('charter-ops');

/**
 * Runs every minute. "Now" is the schedule's tick (the event's time), so a run judges silence as of when it was
 * due, however late it starts. A failure is logged and thrown; the next tick is the retry.
 */
export const handler = async (event: Partial<ScheduledEvent> | undefined, context: Context): Promise<void> => {
  logger.resetKeys();
  logger.addContext(context);
  const tick = event?.time ? new Date(event.time) : new Date(NaN);
  const now = Number.isNaN(tick.getTime()) ? new Date() : tick;
  try {
    const summary = await watchOnce(now, logger);
    logger.info('watch done', { ...summary, as_of: now.toISOString() });
  } catch (error) {
    logger.error('watch failed', { error: error as Error });
    throw error;
  }
};
