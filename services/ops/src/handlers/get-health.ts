import { requireSharedKey } from '@charter/shared/auth';
import { httpHandler, json } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { setting } from '../config';
import { UNKNOWN_PARTNER, currentAlertIds, refusedLastDay, silenceOf } from '../domain/partners';
import { readAlerts } from '../store/alerts';
import { readPartners } from '../store/partners';

const logger = createLogger('charter-ops');

/**
 * GET /ops/health: per partner, the last event accepted and refused, refusals in a day, silence (names no partner has
 * count in one `(unknown)` row with the last few names); and the alerts of the last 180 days, each `current` while its
 * silence lasts. Two Queries, whatever was refused: every count is in the partner rows.
 */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const now = new Date();
  const hours = setting('PARTNER_SILENCE_HOURS');
  const [{ partners: states, truncated }, alerts] = await Promise.all([readPartners(), readAlerts()]);
  const partners = states.map(({ refused_hours, ...state }) => ({
    ...state,
    silence: silenceOf(state, hours, now),
    refused_last_day: refusedLastDay(refused_hours, now),
  }));
  // The partners by name, the unknown bucket last.
  const rank = (partner: string) => (partner === UNKNOWN_PARTNER ? 1 : 0);
  partners.sort((a, b) => rank(a.partner) - rank(b.partner) || a.partner.localeCompare(b.partner));
  const current = currentAlertIds(states, hours, now);
  return json(200, {
    as_of: now.toISOString(),
    partners,
    ...(truncated ? { partners_truncated: true } : {}),
    alerts: alerts.map((alert) => ({ ...alert, current: current.has(alert.id) })),
  });
});
