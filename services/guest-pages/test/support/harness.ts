import { busEnvelope, lambdaContext as contextFor, startLocalCloud, type LocalCloud } from '@charter/local/testing';

export const FUNCTIONS = ['onBookingEvent', 'presign', 'getGuestPage'] as const;
export const SITE_BUCKET = 'charter-guest-site-local';
export const UPLOADS_BUCKET = 'charter-guest-uploads-local';
export const TABLE = 'charter-guest-pages-local';

/**
 * The local cloud with this service's table, buckets, secret and queue (and scc's, which owns
 * the service key), and this process's environment set to what serverless.yml gives the
 * functions. Handlers must be imported after this: AWS clients read endpoints when created.
 */
export async function startGuestPages(extraEnv: Record<string, string> = {}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({ services: ['guest-pages', 'scc'], run: false });
  for (const fn of FUNCTIONS) Object.assign(process.env, cloud.functionEnv('guest-pages', fn));
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', ...extraEnv });
  return cloud;
}

/** A Lambda context for this service's functions. */
export const lambdaContext = (functionName = 'charter-guest-pages-local-test') => contextFor(functionName);

/** A partner's booking event (BookingCreated unless named) as the bus rule delivers it. */
export const bookingEnvelope = (detail: unknown, source = 'partner.boatsetter', detailType = 'BookingCreated') =>
  busEnvelope(detailType, detail, source);

export type UploadConfig = { bookingId: string; presignUrl: string; uploadToken: string; closesAt: string };

/** The upload settings a rendered page embeds, read the way the page's script reads them. */
export function uploadConfigOf(page: string): UploadConfig {
  const match = /<script type="application\/json" id="upload-config">([\s\S]*?)<\/script>/.exec(page);
  if (!match) throw new Error('the page has no upload-config');
  return JSON.parse(match[1]!) as UploadConfig;
}

/** The smallest JPEG browsers and S3 accept as image/jpeg: SOI, a JFIF APP0 segment, EOI. */
export const TINY_JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
