import { requireSharedKey } from '@charter/shared/auth';
import { httpHandler, json } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { setting } from '../config';
import { currentAlertIds, silenceOf } from '../domain/partners';
import { readAlerts } from '../store/alerts';
import { countRefusalsSince, readPartners } from '../store/partners';

const logger = createLogger('charter-ops');

/**
 * GET /ops/health: per partner, the last event accepted and refused, refusals in a day, silence; and the alerts of the
 * last 180 days, each `current` while its silence lasts.
 */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const now = new Date();
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const hours = setting('PARTNER_SILENCE_HOURS');
  const [states, alerts] = await Promise.all([readPartners(), readAlerts()]);
  const partners = await Promise.all(
    states.map(async (state) => ({
      ...state,
      silence: silenceOf(state, hours, now),
      refused_last_day: await countRefusalsSince(state.partner, dayAgo),
    })),
  );
  partners.sort((a, b) => a.partner.localeCompare(b.partner));
  const current = currentAlertIds(states, hours, now);
  return json(200, {
    as_of: now.toISOString(),
    partners,
    alerts: alerts.map((alert) => ({ ...alert, current: current.has(alert.id) })),
  });
});
