import { defineConfig, envString } from '@charter/shared/config';

/**
 * The bus service's settings, as serverless.yml gives them to the intake. EVENT_BUS_NAME and
 * DLQ_URL are read by `@charter/shared`'s publisher and dead-letter queue, not here.
 */
export const setting = defineConfig({
  /** The JSON map partner -> webhook signing secret (`charter/<stage>/partner-secrets`). */
  PARTNER_SECRETS_SECRET_NAME: envString,
  /** Powertools idempotency records: one per accepted delivery, for a day. */
  IDEMPOTENCY_TABLE: envString,
});
