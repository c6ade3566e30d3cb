import { createHmac, timingSafeEqual } from 'node:crypto';
import { charterEndsAt, type CharterTimes } from './time';

/**
 * Crew magic links: `<member_id>.<expires_unix>.<signature>` where the signature is
 * HMAC-SHA256 over the event id, the member id and the expiry with the stage's magic-link key.
 * The event id is not in the token (it is in the path), so a token for one event fails on
 * another. Minted by the notifier, verified by SCC; both use this module.
 */
const VERSION = 'crew-link-v1';
/** Crew may look back at the event for a day after the charter ends. */
export const DEFAULT_GRACE_SECONDS = 24 * 60 * 60;

export interface CrewTokenClaims {
  eventId: string;
  memberId: string;
  /** Unix seconds. */
  expiresAt: number;
}

export type CrewTokenCheck =
  | { ok: true; memberId: string; expiresAt: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'invalid' | 'expired' };

const sign = (key: string, c: CrewTokenClaims) =>
  createHmac('sha256', key).update(`${VERSION}\n${c.eventId}\n${c.memberId}\n${c.expiresAt}`).digest();

export function mintCrewToken(key: string, claims: CrewTokenClaims): string {
  if (!key) throw new Error('mintCrewToken needs the magic-link key');
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(claims.memberId))
    throw new Error(`member id ${claims.memberId} cannot be put in a token`);
  return `${claims.memberId}.${claims.expiresAt}.${sign(key, claims).toString('base64url')}`;
}

/**
 * Verifies against every accepted key (current and, during a rotation, previous), checking
 * each in constant time, and only then looks at the expiry, so an expired forgery reads as forged.
 */
export function verifyCrewToken(
  keys: readonly string[],
  eventId: string,
  token: string | undefined,
  now: Date = new Date(),
): CrewTokenCheck {
  if (!token) return { ok: false, reason: 'missing' };
  const match = /^([a-z0-9][a-z0-9-]{0,63})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, memberId, expiresText, signatureText] = match as unknown as [string, string, string, string];
  const claims = { eventId, memberId, expiresAt: Number(expiresText) };
  const given = Buffer.from(signatureText, 'base64url');
  // 43 base64url characters carry 258 bits: only the canonical spelling of the 256-bit MAC is a token.
  if (given.toString('base64url') !== signatureText) return { ok: false, reason: 'malformed' };
  let valid = false;
  for (const key of keys) {
    const expected = sign(key, claims);
    valid = (given.length === expected.length && timingSafeEqual(given, expected)) || valid;
  }
  if (!valid) return { ok: false, reason: 'invalid' };
  if (claims.expiresAt * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, memberId, expiresAt: claims.expiresAt };
}

/** Links stay valid until a grace period after the charter ends at the marina. */
export function crewTokenExpiry(charter: CharterTimes, graceSeconds = DEFAULT_GRACE_SECONDS): number {
  return Math.floor(charterEndsAt(charter).getTime() / 1000) + graceSeconds;
}

export function crewPageUrl(apiBaseUrl: string, eventId: string, token: string): string {
  const base = apiBaseUrl.replace(/\/+$/, '');
  return `${base}/crew/${encodeURIComponent(eventId)}?token=${encodeURIComponent(token)}`;
}
