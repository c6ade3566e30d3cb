import type { Logger } from '@aws-lambda-powertools/logger';
import { publish } from '@charter/shared/publisher';
import type { IntakeRoute } from './domain/intake-request';
import { refusalDetail } from './domain/refusal';

/**
 * How long a refusal's answer may wait for its PartnerRequestRefused. The report is best effort: the partner's
 * answer never waits on EventBridge longer than this, nor fails because of it (a PutEvents still under way carries
 * on when the environment next runs, or is lost with it).
 */
const REPORT_DEADLINE_MS = 1_500;

/**
 * Tells ops (PartnerRequestRefused on the bus) that the intake refused a partner's request, so a partner's failing
 * sync shows on the console without anyone reading logs. Never throws.
 */
export async function reportRefusal(
  logger: Logger,
  error: unknown,
  request: { route: IntakeRoute; partner: string; bookingId: string | undefined },
): Promise<void> {
  const detail = refusalDetail(error, { ...request, at: new Date() });
  if (!detail) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), REPORT_DEADLINE_MS);
  });
  try {
    const outcome = await Promise.race([publish('PartnerRequestRefused', detail), deadline]);
    if (outcome === 'late') logger.warn('the refusal was answered before PartnerRequestRefused was published');
  } catch (failure) {
    logger.warn('could not publish PartnerRequestRefused; the refusal is answered anyway', {
      error: failure as Error,
      reason: detail.reason,
    });
  } finally {
    clearTimeout(timer);
  }
}
