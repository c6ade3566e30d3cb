import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { GuestPagePublished, Slug } from '@charter/events';
import { SLUG_BYTES, guestPageUrl, newSlug, pageKey } from '../src/domain/slug';
import { mintUploadToken, verifyUploadToken } from '../src/domain/upload-token';

describe('guest page slugs', () => {
  it('carry at least 96 random bits', () => {
    expect(SLUG_BYTES * 8).toBeGreaterThanOrEqual(96);
    const seen: number[] = [];
    newSlug((size) => {
      seen.push(size);
      return Buffer.alloc(size, 0xab);
    });
    expect(seen).toEqual([SLUG_BYTES]);
  });

  it('encode every random bit: different bytes never give the same slug', () => {
    const one = newSlug((size) => Buffer.alloc(size, 0));
    const flipped = newSlug((size) => {
      const bytes = Buffer.alloc(size, 0);
      bytes[size - 1] = 1;
      return bytes;
    });
    expect(one).not.toBe(flipped);
    expect(
      Buffer.from(
        newSlug((size) => Buffer.alloc(size, 0xc3)),
        'base64url',
      ),
    ).toEqual(Buffer.alloc(SLUG_BYTES, 0xc3));
  });

  it('are URL-safe, 16-64 characters, accepted by GuestPagePublished and rewritten by the CloudFront Function', () => {
    const rewrite = vm.runInNewContext(
      `${readFileSync(join(__dirname, '..', 'src', 'cloudfront', 'rewrite.js'), 'utf8')}\n;handler`,
      vm.createContext(),
    ) as (e: unknown) => { uri: string };
    const slugs = Array.from({ length: 2000 }, () => newSlug());
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) {
      expect(slug).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      expect(Slug.safeParse(slug).success).toBe(true);
      const url = guestPageUrl('https://guests.example.com/', slug);
      expect(GuestPagePublished.safeParse({ schema_version: 1, booking_id: 'xhqgmdh', slug, url }).success).toBe(true);
      expect(rewrite({ request: { uri: `/g/${slug}` } }).uri).toBe(`/${pageKey(slug)}`);
    }
  });

  it('name the page object g/<slug>.html and the link <site>/g/<slug>', () => {
    expect(pageKey('abcdefghijklmnopqrstuv')).toBe('g/abcdefghijklmnopqrstuv.html');
    expect(guestPageUrl('http://127.0.0.1:4701', 'abcdefghijklmnopqrstuv')).toBe(
      'http://127.0.0.1:4701/g/abcdefghijklmnopqrstuv',
    );
    expect(guestPageUrl('https://d1.cloudfront.net//', 'abcdefghijklmnopqrstuv')).toBe(
      'https://d1.cloudfront.net/g/abcdefghijklmnopqrstuv',
    );
  });
});

describe('upload tokens', () => {
  const key = 'current-key-0123456789';
  const previous = 'previous-key-9876543210';

  it('verify for the booking they were minted for', () => {
    const token = mintUploadToken(key, 'xhqgmdh');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyUploadToken([key], 'xhqgmdh', token)).toBe(true);
  });

  it('are the same for the same booking, so a re-rendered page keeps working', () => {
    expect(mintUploadToken(key, 'xhqgmdh')).toBe(mintUploadToken(key, 'xhqgmdh'));
  });

  it('fail for another booking', () => {
    expect(verifyUploadToken([key], 'GMB-88213', mintUploadToken(key, 'xhqgmdh'))).toBe(false);
  });

  it('fail when minted with another key', () => {
    expect(verifyUploadToken([key], 'xhqgmdh', mintUploadToken('someone-elses-key', 'xhqgmdh'))).toBe(false);
  });

  it('minted with the previous key still verify while the key rotates', () => {
    const oldToken = mintUploadToken(previous, 'xhqgmdh');
    expect(verifyUploadToken([key, previous], 'xhqgmdh', oldToken)).toBe(true);
    expect(verifyUploadToken([key], 'xhqgmdh', oldToken)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['too short', 'abc'],
    ['not base64url', '+'.repeat(43)],
    ['one character too long', `${mintUploadToken('current-key-0123456789', 'xhqgmdh')}A`],
  ])('refuse a malformed token (%s)', (_label, token) => {
    expect(verifyUploadToken([key], 'xhqgmdh', token)).toBe(false);
  });

  it('refuse the three other spellings of the same bytes: only the canonical base64url is a token', () => {
    const token = mintUploadToken(key, 'xhqgmdh');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 43 characters carry 258 bits: the last character's two low bits are not part of the 256-bit MAC.
    const last = alphabet.indexOf(token.at(-1)!);
    const spellings = [1, 2, 3].map(
      (padding) => `${token.slice(0, -1)}${alphabet[(last & ~3) | ((last + padding) & 3)]}`,
    );
    expect(new Set([token, ...spellings]).size).toBe(4);
    for (const spelling of spellings) {
      expect(Buffer.from(spelling, 'base64url').equals(Buffer.from(token, 'base64url'))).toBe(true);
      expect({ spelling, valid: verifyUploadToken([key], 'xhqgmdh', spelling) }).toEqual({ spelling, valid: false });
    }
    expect(verifyUploadToken([key], 'xhqgmdh', token)).toBe(true);
  });

  it('ignore an empty key (no previous version) rather than verify against it', () => {
    expect(verifyUploadToken(['', ''], 'xhqgmdh', mintUploadToken('x', 'xhqgmdh'))).toBe(false);
    expect(() => mintUploadToken('', 'xhqgmdh')).toThrow(/guest-upload key/);
  });
});
