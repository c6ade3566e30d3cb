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
    z
      .object({
        CALENDAR_BUCKET: envString,
        CALENDAR_DISTRIBUTION_ID: envString,
        CALENDAR_SITE_URL: envUrl,
        /** At most one invalidation per year per window; see domain/invalidation.ts. */
        INVALIDATION_WINDOW_SECONDS: envInt(30),
        /**
         * Longer than the function timeout, so a live builder never outlasts its lease (one that
         * did could overwrite a newer build). The default is serverless.yml's 45, which outlasts
         * the longest publishing function (30 s).
         */
        REBUILD_LEASE_SECONDS: envInt(45),
        /** This function's timeout, set by serverless.yml so the lease can be checked against it. */
        FUNCTION_TIMEOUT_SECONDS: z.coerce.number().int().positive().optional(),
      })
      .check((ctx) => {
        const { REBUILD_LEASE_SECONDS: lease, FUNCTION_TIMEOUT_SECONDS: timeout } = ctx.value;
        if (timeout !== undefined && lease <= timeout) {
          ctx.issues.push({
            code: 'custom',
            path: ['REBUILD_LEASE_SECONDS'],
            message: `must be longer than the function timeout (FUNCTION_TIMEOUT_SECONDS ${timeout}), so a live builder never outlasts its lease; it is ${lease}`,
            input: lease,
          });
        }
      }),
  ),
);

export const dashboardConfig = lazyConfig(() => readConfig(z.object({ DASHBOARD_TOKEN_SECRET: envString })));
