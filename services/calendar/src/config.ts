import { envInt, envString, envUrl, lazyConfig, readConfig } from '@charter/shared';
import { createLogger } from '@charter/shared/logger';
import { z } from 'zod';

export const logger = createLogger('charter-calendar');

/**
 * Settings are read per concern, so a function is only refused for a variable it actually uses
 * (listEntries has no bucket or distribution and needs none).
 */
export const tableConfig = lazyConfig(() => readConfig(z.object({ CALENDAR_TABLE: envString })));

export const siteConfig = lazyConfig(() =>
  readConfig(
    z.object({
      CALENDAR_BUCKET: envString,
      CALENDAR_DISTRIBUTION_ID: envString,
      CALENDAR_SITE_URL: envUrl,
      /** At most one invalidation per year per window; see domain/invalidation.ts. */
      INVALIDATION_WINDOW_SECONDS: envInt(30),
      /** Longer than the function timeout, so a live builder never outlasts its lease. */
      REBUILD_LEASE_SECONDS: envInt(30),
    }),
  ),
);

export const dashboardConfig = lazyConfig(() => readConfig(z.object({ DASHBOARD_TOKEN_SECRET: envString })));
