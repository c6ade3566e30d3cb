import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The upload token a guest page carries: base64url HMAC-SHA256, with the stage's
 * guest-upload key, over a purpose label and the booking id.
 *
 * It covers the booking id only (not the slug), so presign can check it before reading the
 * table: a caller without a valid token learns nothing, not even whether a booking exists.
 * It does not expire by itself; the upload window (until the charter ends) is the limit, and
 * presign enforces it on every request.
 */
const PURPOSE = 'guest-upload-v1';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const sign = (key: string, bookingId: string) => createHmac('sha256', key).update(`${PURPOSE}\n${bookingId}`).digest();

export function mintUploadToken(key: string, bookingId: string): string {
  if (!key) throw new Error('mintUploadToken needs the guest-upload key');
  return sign(key, bookingId).toString('base64url');
}

/**
 * True when the token was minted for this booking with any accepted key (the current one and,
 * during a rotation, the previous one), each compared in constant time.
 */
export function verifyUploadToken(keys: readonly string[], bookingId: string, token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const given = Buffer.from(token, 'base64url');
  // 43 base64url characters carry 258 bits: four spellings decode to the same 256-bit MAC. Only the canonical one is
  // the token (as for magic links), so a token is one string, whatever compares or logs it.
  if (given.toString('base64url') !== token) return false;
  let valid = false;
  for (const key of keys) {
    if (!key) continue;
    const expected = sign(key, bookingId);
    valid = (given.length === expected.length && timingSafeEqual(given, expected)) || valid;
  }
  return valid;
}
