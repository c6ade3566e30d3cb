import { SIGNATURE_TOLERANCE_SECONDS, signatureHeader, verifySignature } from '../src/domain/signature';

const body = '{"booking_id":"xhqgmdh"}';
const now = 1_780_000_000;

describe('X-Charter-Signature', () => {
  it('accepts the HMAC of t + "." + raw body with the partner secret', () => {
    expect(verifySignature(signatureHeader('s3cret', body, now), body, ['s3cret'], now)).toEqual({ ok: true });
  });

  it('refuses a body changed after signing', () => {
    const check = verifySignature(signatureHeader('s3cret', body, now), body.replace('xhq', 'abc'), ['s3cret'], now);
    expect(check).toEqual({ ok: false, reason: 'The signature does not match the body.' });
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySignature(signatureHeader('other', body, now), body, ['s3cret'], now).ok).toBe(false);
  });

  it(`refuses a timestamp more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes away, either way`, () => {
    const old = signatureHeader('s3cret', body, now - SIGNATURE_TOLERANCE_SECONDS - 1);
    const future = signatureHeader('s3cret', body, now + SIGNATURE_TOLERANCE_SECONDS + 1);
    expect(verifySignature(old, body, ['s3cret'], now)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('minutes'),
    });
    expect(verifySignature(future, body, ['s3cret'], now).ok).toBe(false);
    expect(
      verifySignature(signatureHeader('s3cret', body, now - SIGNATURE_TOLERANCE_SECONDS), body, ['s3cret'], now).ok,
    ).toBe(true);
  });

  it.each([undefined, '', 'v1=abc', 't=abc,v1=00', `t=${now}`])('refuses the malformed header %p', (header) => {
    expect(verifySignature(header, body, ['s3cret'], now).ok).toBe(false);
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
