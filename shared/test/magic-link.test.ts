import { crewPageUrl, crewTokenExpiry, mintCrewToken, verifyCrewToken } from '../src/magic-link';

const key = 'k'.repeat(64);
const claims = {
  eventId: 'evt_abcdefghij',
  memberId: 'isla-moreno',
  email: 'mate@crew.example.com',
  expiresAt: 1_900_000_000,
};
const subject = { eventId: claims.eventId, email: claims.email };
const now = new Date(1_800_000_000_000);

describe('crew magic links', () => {
  const token = mintCrewToken(key, claims);

  it('verifies a token for its own event and member until it expires', () => {
    expect(verifyCrewToken([key], subject, token, now)).toEqual({
      ok: true,
      memberId: 'isla-moreno',
      expiresAt: claims.expiresAt,
    });
    expect(verifyCrewToken([key], subject, token, new Date(claims.expiresAt * 1000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses it on another event, for another member, or with another key', () => {
    expect(verifyCrewToken([key], { ...subject, eventId: 'evt_otherevent1' }, token, now)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyCrewToken([key], subject, token.replace('isla-moreno', 'theo-park'), now)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyCrewToken(['another-key'], subject, token, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('is bound to the address it was sent to: another address fails, case and surrounding spaces do not matter', () => {
    expect(verifyCrewToken([key], { ...subject, email: 'new-mate@crew.example.com' }, token, now)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyCrewToken([key], { ...subject, email: '  MATE@Crew.Example.COM ' }, token, now).ok).toBe(true);
    // The token's text carries no address: the same format as before, <member>.<expiry>.<mac>.
    expect(token).toMatch(/^isla-moreno\.1900000000\.[A-Za-z0-9_-]{43}$/);
    expect(() => mintCrewToken(key, { ...claims, email: ' ' })).toThrow(/address/);
  });

  it('refuses a later expiry written into the token, since the signature covers it', () => {
    expect(
      verifyCrewToken([key], subject, token.replace(String(claims.expiresAt), String(claims.expiresAt + 86400)), now),
    ).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts only the canonical spelling of the signature', () => {
    const signature = token.split('.')[2]!;
    // The last base64url character carries two spare bits; flipping them keeps the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const twin = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(twin.split('.')[2]!, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(verifyCrewToken([key], subject, twin, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts a token minted with the previous key while the key rotates', () => {
    expect(verifyCrewToken(['new-key', key], subject, token, now).ok).toBe(true);
  });

  it.each([undefined, '', 'not-a-token', `${claims.memberId}.abc.${'A'.repeat(43)}`])(
    'refuses %p without verifying anything',
    (bad) => {
      expect(verifyCrewToken([key], subject, bad, now).ok).toBe(false);
    },
  );

  it('expires links a day after the charter ends at the marina', () => {
    const expiry = crewTokenExpiry({
      charter_date: '2027-06-12',
      charter_start: '18:30',
      charter_end: '21:00',
      timezone: 'America/Los_Angeles',
    });
    // 21:00 PDT on 12 June 2027 is 04:00 UTC on the 13th; a day later.
    expect(new Date(expiry * 1000).toISOString()).toBe('2027-06-14T04:00:00.000Z');
  });

  it('builds the crew page URL with the token encoded', () => {
    expect(crewPageUrl('http://127.0.0.1:4700/', 'evt_x', 'a.b+c')).toBe(
      'http://127.0.0.1:4700/crew/evt_x?token=a.b%2Bc',
    );
  });
});
