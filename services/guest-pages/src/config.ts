import { defineConfig, envString, envUrl } from '@charter/shared/config';

/**
 * The guest-pages service's settings, as serverless.yml gives them to each function (each gets
 * only those it uses). EVENT_BUS_NAME and DLQ_URL are read by `@charter/shared`'s publisher and
 * dead-letter queue, not here.
 */
export const setting = defineConfig({
  /** One item per booking: its slug and charter times. */
  GUEST_PAGES_TABLE: envString,
  /** Where the pages are stored, as g/<slug>.html, behind the guest site's distribution. */
  SITE_BUCKET: envString,
  /** Where guests' photos and videos go, under uploads/<booking_id>/. */
  UPLOADS_BUCKET: envString,
  /** `charter/<stage>/guest-upload-key`: the HMAC key of the upload tokens pages carry. */
  UPLOAD_KEY_SECRET_NAME: envString,
  /** `charter/<stage>/scc-service-key` (scc's): the operator's X-Service-Key. */
  SERVICE_KEY_SECRET_NAME: envString,
  /** The HTTP API's base URL, which the page posts to for presigning. */
  API_URL: envUrl,
  /** The guest site's base URL, where /g/<slug> is served. */
  GUEST_SITE_URL: envUrl,
});
