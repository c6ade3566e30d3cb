/**
 * Client settings that depend only on where the endpoints are. The SDK reads the endpoints
 * themselves from AWS_ENDPOINT_URL_<SERVICE>; a custom S3 endpoint (the local cloud) is an
 * IP address, which cannot carry a bucket as a sub-domain, so it is addressed path-style.
 */
export function s3ClientConfig(env: NodeJS.ProcessEnv = process.env): { forcePathStyle: boolean } {
  return { forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL) };
}
