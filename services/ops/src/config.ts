import { defineConfig, envInt, envJson, envString, envUrl } from '@charter/shared/config';
import * as z from '@charter/events/zod';

/** Hours of silence after which a partner is alerted on (0: never), by partner; `*` is every other partner. */
export const SilenceHours = z.record(z.string(), z.number().check(z.minimum(0)));

/**
 * Every environment variable the service reads (serverless.yml sets them per function). Each is validated when a
 * function first asks for it, so a function never fails for a setting only another function needs.
 */
export const setting = defineConfig({
  OPS_TABLE: envString,
  DASHBOARD_TOKEN_SECRET_NAME: envString,
  /** Minutes a step may take before the console calls it a problem (param stepMinutes). */
  STEP_MINUTES: envInt(15),
  /** Every service's dead-letter queue by name, comma-separated (charter-<service>-dlq-<stage>). */
  DEAD_LETTER_QUEUES: z.pipe(
    envString,
    z.transform((list: string) =>
      list
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ),
  PARTNER_SILENCE_HOURS: envJson(SilenceHours),
  /** Where the alert log lines point the operator (the console's URL). */
  CONSOLE_URL: envUrl,
});
