import { resolve } from 'node:path';

/** The repository the local cloud runs: its serverless-compose.yml, services and events/samples. */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const STAGE = 'local';
export const REGION = 'us-west-2';
export const ACCOUNT_ID = '000000000000';
/** s3rver's default key pair; every local endpoint accepts it, and s3rver verifies SigV4 with it. */
export const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
