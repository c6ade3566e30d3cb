import { createLogger } from '@charter/shared/logger';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { invocationOf, sweepYears, type SweepReport } from '../publishing';

const logger = createLogger('charter-calendar');

/**
 * Every minute: issues the trailing invalidation of each year still dirty after its window,
 * finishes claimed-but-unconfirmed invalidations, and rebuilds a year a crashed builder left behind.
 */
export async function handler(_event: ScheduledEvent | Record<string, never>, context: Context): Promise<SweepReport> {
  logger.resetKeys();
  logger.addContext(context);
  const report = await sweepYears(invocationOf(logger, context));
  const acted = report.years.filter((y) => y.rebuilt || y.issued);
  if (acted.length > 0) logger.info('calendar sweep acted', { years: acted });
  return report;
}
