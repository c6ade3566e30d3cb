import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RefusalReason } from '@charter/events';
import type { SecretVersions } from '@charter/shared/secrets';
import { partnerSigningSecrets } from './partners';

/** Partners sign `t + "." + raw body`; a signature older or newer than this is refused (replay). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** Which way a signature failed, in the words of PartnerRequestRefused (so ops can tell a skewed clock from a key). */
export type SignatureRefusal = Extract<RefusalReason, 'missing_signature' | 'bad_signature' | 'stale_timestamp'>;
export type SignatureCheck = { ok: true } | { ok: false; refusal: SignatureRefusal; reason: string };
export type PartnerSignatureCheck =
  { ok: true } | { ok: false; refusal: SignatureRefusal | 'unknown_partner'; reason: string };

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
  if (!headerValue) {
    return { ok: false, refusal: 'missing_signature', reason: 'The X-Charter-Signature header is missing.' };
  }
  const pairs = headerValue.split(',').map((part) => part.trim().split('='));
  const timestamp = pairs.find(([key]) => key === 't')?.[1];
  const signatures = pairs.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value!);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) {
    const reason = 'The X-Charter-Signature header must look like t=<unix seconds>,v1=<hex>.';
    return { ok: false, refusal: 'bad_signature', reason };
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return {
      ok: false,
      refusal: 'stale_timestamp',
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
  return matched
    ? { ok: true }
    : { ok: false, refusal: 'bad_signature', reason: 'The signature does not match the body.' };
}

export const unknownPartner = (partner: string) =>
  ({
    ok: false,
    refusal: 'unknown_partner',
    reason: `There is no partner named "${partner}". Ask the operator to onboard it.`,
  }) as const satisfies PartnerSignatureCheck;

/**
 * The intake's check of a webhook against one reading of the partner's own secret (the intake runs it through
 * `secrets.checkIfExists`, so a miss is checked again against a fresh reading): the partner must have a secret (be
 * onboarded), and the header must sign the body with its current secret or, while it rotates, its previous one.
 */
export function checkPartnerSignature(webhook: {
  partner: string;
  signature: string | undefined;
  body: string;
  accepted: SecretVersions | undefined;
}): PartnerSignatureCheck {
  const signingSecrets = partnerSigningSecrets(webhook.accepted);
  if (!signingSecrets) return unknownPartner(webhook.partner);
  return verifySignature(webhook.signature, webhook.body, signingSecrets);
}
