import { envInt, envString, envUrl, lazyConfig, readConfig } from '@charter/shared';
import { z } from 'zod';

/**
 * The service's settings, from the function's environment (serverless.yml). A missing or
 * malformed one is a NotConfiguredError naming the variable, raised before any write.
 */
export const tableConfig = lazyConfig(() => readConfig(z.object({ JOIN_TABLE: envString })));

/** What the join needs to email the crew. */
export const crewMailConfig = lazyConfig(() =>
  readConfig(
    z.object({
      SENDER_ADDRESS: z.email({ error: 'must be the verified sender address' }),
      /** The SCC API's base URL: crew pages are `${SCC_API_URL}/crew/<event_id>?token=...`. */
      SCC_API_URL: envUrl,
      MAGIC_LINK_KEY_NAME: envString,
      EVENT_BUS_NAME: envString,
    }),
  ),
);

/** What the scheduled stall check needs. */
export const stallConfig = lazyConfig(() =>
  readConfig(
    z.object({
      SENDER_ADDRESS: z.email({ error: 'must be the verified sender address' }),
      STALL_MINUTES: envInt(15),
      /** Who hears about a stuck booking when no captain is known (the crew event never arrived). */
      STALL_ALERT_ADDRESS: z.email({
        error: 'must be the operator address stall alerts go to (param stallAlertAddress)',
      }),
      EVENT_BUS_NAME: envString,
    }),
  ),
);
