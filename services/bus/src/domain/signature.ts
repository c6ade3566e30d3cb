import { createHmac, timingSafeEqual } from 'node:crypto';

/** Partners sign `t + "." + raw body`; a signature older or newer than this is refused (replay). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

const hmacHex = (secret: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The X-Charter-Signature header a partner sends: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signatureHeader(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, String(timestamp), body)}`;
}

/**
 * Verifies the header against every secret the partner may be using (during a rotation both
 * the new and the old one). Several v1 values are allowed, so a partner can sign with both.
 * Each comparison is constant-time and all candidates are compared, whatever matches first.
 */
export function verifySignature(
  headerValue: string | undefined,
  body: string,
  secrets: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  if (!headerValue) return { ok: false, reason: 'The X-Charter-Signature header is missing.' };
  const pairs = headerValue.split(',').map((part) => part.trim().split('='));
  const timestamp = pairs.find(([key]) => key === 't')?.[1];
  const signatures = pairs.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value!);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) {
    return { ok: false, reason: 'The X-Charter-Signature header must look like t=<unix seconds>,v1=<hex>.' };
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return {
      ok: false,
      reason: `The signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from our clock.`,
    };
  }
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
    for (const signature of signatures) {
      const given = Buffer.from(signature, 'hex');
      matched = (given.length === expected.length && timingSafeEqual(given, expected)) || matched;
    }
  }
  return matched ? { ok: true } : { ok: false, reason: 'The signature does not match the body.' };
}
