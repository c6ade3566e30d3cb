import { defineConfig, envString } from '@charter/shared/config';

/**
 * The bus service's settings, as serverless.yml gives them to the intake. EVENT_BUS_NAME is read by
 * `@charter/shared`'s publisher, not here.
 */
export const setting = defineConfig({
  /** Each partner's webhook signing secret is `<prefix><partner>` (`charter/<stage>/partner-secret/`). */
  PARTNER_SECRET_NAME_PREFIX: envString,
  /** Powertools idempotency records: one per accepted delivery, for a day. */
  IDEMPOTENCY_TABLE: envString,
});
