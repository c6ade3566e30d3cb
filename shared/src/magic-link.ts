import { createHmac, timingSafeEqual } from 'node:crypto';
import { charterEndsAt, type CharterTimes } from './time';

/**
 * Crew magic links: `<member_id>.<expires_unix>.<signature>` where the signature is
 * HMAC-SHA256 over the event id, the member id, the address the link was sent to (lower-cased,
 * trimmed) and the expiry with the stage's magic-link key. Neither the event id (it is in the path)
 * nor the address is in the token, so a token for one event fails on another, and a link sent to an
 * address the member no longer has fails once the crew roster changes it. Minted by the notifier,
 * verified by SCC against the member's current address; both use this module.
 */
// v2: the address joined the signed text; a v1 link (no address) no longer verifies.
const VERSION = 'crew-link-v2';
/** Crew may look back at the event for a day after the charter ends. */
export const DEFAULT_GRACE_SECONDS = 24 * 60 * 60;

export interface CrewTokenClaims {
  eventId: string;
  memberId: string;
  /** The address the link is sent to; compared lower-cased and trimmed. */
  email: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** What a link is checked against: its event (from the path) and the member's current address. */
export type CrewLinkSubject = Pick<CrewTokenClaims, 'eventId' | 'email'>;

export type CrewTokenParts =
  { ok: true; memberId: string; expiresAt: number; signature: Buffer } | { ok: false; reason: 'missing' | 'malformed' };

export type CrewTokenCheck =
  | { ok: true; memberId: string; expiresAt: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'invalid' | 'expired' };

const normalEmail = (email: string) => email.trim().toLowerCase();

const sign = (key: string, c: CrewTokenClaims) =>
  createHmac('sha256', key)
    .update(`${VERSION}\n${c.eventId}\n${c.memberId}\n${normalEmail(c.email)}\n${c.expiresAt}`)
    .digest();

export function mintCrewToken(key: string, claims: CrewTokenClaims): string {
  if (!key) throw new Error('mintCrewToken needs the magic-link key');
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(claims.memberId))
    throw new Error(`member id ${claims.memberId} cannot be put in a token`);
  if (!normalEmail(claims.email))
    throw new Error(`mintCrewToken needs the address the link for ${claims.memberId} goes to`);
  return `${claims.memberId}.${claims.expiresAt}.${sign(key, claims).toString('base64url')}`;
}

/**
 * A token's parts, checked for shape only (nothing is verified): SCC reads the member id from it to
 * find the member's current address on the event before it verifies the link.
 */
export function readCrewToken(token: string | undefined): CrewTokenParts {
  if (!token) return { ok: false, reason: 'missing' };
  const match = /^([a-z0-9][a-z0-9-]{0,63})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, memberId, expiresText, signatureText] = match as unknown as [string, string, string, string];
  const signature = Buffer.from(signatureText, 'base64url');
  // 43 base64url characters carry 258 bits: only the canonical spelling of the 256-bit MAC is a token.
  if (signature.toString('base64url') !== signatureText) return { ok: false, reason: 'malformed' };
  return { ok: true, memberId, expiresAt: Number(expiresText), signature };
}

/**
 * Verifies against every accepted key (current and, during a rotation, previous), checking
 * each in constant time, and only then looks at the expiry, so an expired forgery reads as forged.
 */
export function verifyCrewToken(
  keys: readonly string[],
  subject: CrewLinkSubject,
  token: string | undefined,
  now: Date = new Date(),
): CrewTokenCheck {
  const parts = readCrewToken(token);
  if (!parts.ok) return parts;
  const { memberId, signature: given } = parts;
  const claims = { ...subject, memberId, expiresAt: parts.expiresAt };
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
