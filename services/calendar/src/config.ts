import { defineConfig, envInt, envString, envUrl } from '@charter/shared/config';
import { NotConfiguredError } from '@charter/shared/errors';
import * as z from '@charter/events/zod';

/**
 * Each setting is validated when a function first asks for it, so a function is only refused for
 * a variable it actually uses (listEntries has no bucket or distribution and needs none).
 */
export const setting = defineConfig({
  CALENDAR_TABLE: envString,
  CALENDAR_BUCKET: envString,
  CALENDAR_DISTRIBUTION_ID: envString,
  CALENDAR_SITE_URL: envUrl,
  /** At most one invalidation per year per window; see domain/invalidation.ts. */
  INVALIDATION_WINDOW_SECONDS: envInt(30),
  /**
   * Longer than the function timeout, so a live builder never outlasts its lease (one that did
   * could overwrite a newer build). The default is serverless.yml's 45, which outlasts the
   * longest publishing function (30 s). Read it through `rebuildLeaseMs`, which checks that.
   */
  REBUILD_LEASE_SECONDS: envInt(45),
  /** This function's timeout, set by serverless.yml so the lease can be checked against it. */
  FUNCTION_TIMEOUT_SECONDS: z.optional(z.coerce.number().check(z.int(), z.positive())),
  DASHBOARD_TOKEN_SECRET_NAME: envString,
});

/** The rebuild lease in milliseconds, refused unless it outlasts this function's timeout. */
export function rebuildLeaseMs(): number {
  const lease = setting('REBUILD_LEASE_SECONDS');
  const timeout = setting('FUNCTION_TIMEOUT_SECONDS');
  if (timeout !== undefined && lease <= timeout) {
    throw new NotConfiguredError(
      'environment variable REBUILD_LEASE_SECONDS',
      `must be longer than the function timeout (FUNCTION_TIMEOUT_SECONDS ${timeout}), ` +
        `so a live builder never outlasts its lease; it is ${lease}`,
    );
  }
  return lease * 1000;
}

/**
 * Reads every setting publishing needs, so a stage without its bucket or distribution (or with
 * a lease too short) is refused before an entry is written that could not be published.
 */
export function checkPublishingSettings(): void {
  setting('CALENDAR_BUCKET');
  setting('CALENDAR_DISTRIBUTION_ID');
  setting('CALENDAR_SITE_URL');
  setting('INVALIDATION_WINDOW_SECONDS');
  rebuildLeaseMs();
}
