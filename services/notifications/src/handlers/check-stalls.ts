import { NotConfiguredError } from '@charter/shared/errors';
import { createLogger } from '@charter/shared/logger';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { claimerOf } from '../claim-send-record';
import { checkStalls } from '../stall-check';

const logger = createLogger('charter-notifications');

/**
 * Runs on a schedule. "Now" is the schedule's tick (the event's time), so a run judges stalls as
 * of when it was due, however late it starts.
 */
export const handler = async (event: Partial<ScheduledEvent> | undefined, context: Context): Promise<void> => {
  logger.resetKeys();
  logger.addContext(context);
  const tick = event?.time ? new Date(event.time) : new Date(NaN);
  const now = Number.isNaN(tick.getTime()) ? new Date() : tick;
  try {
    const summary = await checkStalls(now, claimerOf(context), logger);
    logger.info('stall check done', { ...summary, as_of: now.toISOString() });
  } catch (error) {
    if (error instanceof NotConfiguredError)
      logger.error(`not configured: ${error.message}`, { missing: error.missing });
    else logger.error('stall check failed', { error: error as Error });
    throw error;
  }
};
