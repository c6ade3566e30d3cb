import {
  SIGNATURE_TOLERANCE_SECONDS,
  checkPartnerSignature,
  signatureHeader,
  verifySignature,
} from '../src/domain/signature';

const body = '{"booking_id":"xhqgmdh"}';
const now = 1_780_000_000;

describe('X-Charter-Signature', () => {
  it('accepts the HMAC of t + "." + raw body with the partner secret', () => {
    expect(verifySignature(signatureHeader('s3cret', body, now), body, ['s3cret'], now)).toEqual({ ok: true });
  });

  it('refuses a body changed after signing', () => {
    const check = verifySignature(signatureHeader('s3cret', body, now), body.replace('xhq', 'abc'), ['s3cret'], now);
    expect(check).toEqual({ ok: false, refusal: 'bad_signature', reason: 'The signature does not match the body.' });
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySignature(signatureHeader('other', body, now), body, ['s3cret'], now).ok).toBe(false);
  });

  it(`refuses a timestamp more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes away, either way`, () => {
    const old = signatureHeader('s3cret', body, now - SIGNATURE_TOLERANCE_SECONDS - 1);
    const future = signatureHeader('s3cret', body, now + SIGNATURE_TOLERANCE_SECONDS + 1);
    expect(verifySignature(old, body, ['s3cret'], now)).toMatchObject({
      ok: false,
      refusal: 'stale_timestamp',
      reason: expect.stringContaining('minutes') as unknown,
    });
    expect(verifySignature(future, body, ['s3cret'], now)).toMatchObject({ ok: false, refusal: 'stale_timestamp' });
    expect(
      verifySignature(signatureHeader('s3cret', body, now - SIGNATURE_TOLERANCE_SECONDS), body, ['s3cret'], now).ok,
    ).toBe(true);
  });

  it.each([undefined, ''])('refuses the missing header %p as missing_signature', (header) => {
    expect(verifySignature(header, body, ['s3cret'], now)).toMatchObject({ ok: false, refusal: 'missing_signature' });
  });

  it.each(['v1=abc', 't=abc,v1=00', `t=${now}`])('refuses the malformed header %p as bad_signature', (header) => {
    expect(verifySignature(header, body, ['s3cret'], now)).toMatchObject({ ok: false, refusal: 'bad_signature' });
  });

  it('accepts the old or the new secret while the partner secret rotates', () => {
    expect(verifySignature(signatureHeader('old', body, now), body, ['new', 'old'], now).ok).toBe(true);
    expect(verifySignature(signatureHeader('new', body, now), body, ['new', 'old'], now).ok).toBe(true);
  });

  it('accepts a header carrying several v1 signatures when one matches', () => {
    const good = signatureHeader('s3cret', body, now).split('v1=')[1];
    expect(verifySignature(`t=${now},v1=${'0'.repeat(64)},v1=${good}`, body, ['s3cret'], now).ok).toBe(true);
  });
});

describe("a partner webhook checked against the partner's own secret", () => {
  const webhook = (partner: string, secret: string, accepted: { current: string; previous?: string } | undefined) =>
    checkPartnerSignature({ partner, signature: signatureHeader(secret, body), body, accepted });

  it('accepts the partner’s current secret, and its previous one while its own rotation is under way', () => {
    expect(webhook('boatsetter', 'new', { current: 'new' })).toEqual({ ok: true });
    expect(webhook('boatsetter', 'old', { current: 'new', previous: 'old' })).toEqual({ ok: true });
    expect(webhook('boatsetter', 'old', { current: 'new' })).toMatchObject({ ok: false, refusal: 'bad_signature' });
  });

  it('refuses a partner without a secret as unknown, whatever it signed with', () => {
    expect(webhook('gone', 'old', undefined)).toMatchObject({
      ok: false,
      refusal: 'unknown_partner',
      reason: expect.stringContaining('"gone"') as unknown,
    });
  });
});
