import { createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import fc from 'fast-check';
import {
  DEFAULT_UPLOAD_LIMITS,
  MAX_FILE_NAME_LENGTH,
  MAX_IMAGE_BYTES,
  MAX_VIDEO_BYTES,
  PRESIGN_EXPIRES_SECONDS,
  PresignRequest,
  normalizeMimeType,
  planUpload,
  presignedPostInput,
  quotaMessage,
  safeFileName,
  sanitizeFileName,
  uploadWindow,
  type UploadPlan,
} from '../src/domain/uploads';

const charter = {
  charter_date: '2024-05-30',
  charter_start: '10:00',
  charter_end: '13:00',
  timezone: 'America/Los_Angeles',
};
/** 13:00 PDT at the marina. */
const END = new Date('2024-05-30T20:00:00Z');
/** The default window: from midnight at the marina the day before (00:00 PDT on May 29) to a day after the end. */
const window = uploadWindow(charter, DEFAULT_UPLOAD_LIMITS);
const OPEN = new Date('2024-05-29T07:00:00Z');
const CLOSE = new Date('2024-05-31T20:00:00Z');
const before = (ms: number) => new Date(CLOSE.getTime() - ms);
const request = (overrides: Partial<PresignRequest> = {}): PresignRequest => ({
  booking_id: 'xhqgmdh',
  file_name: 'IMG_0042.HEIC',
  file_size: 3_400_000,
  mime_type: 'image/heic',
  ...overrides,
});
const plan = (overrides: Partial<PresignRequest> = {}, now = before(60 * 60 * 1000)) =>
  planUpload({ request: request(overrides), window, now, id: '0123456789abcdef' });

describe('presign rules: what may be uploaded, and until when', () => {
  it('plans an upload under the booking’s prefix with a random id and the safe name', () => {
    expect(plan()).toEqual({
      ok: true,
      plan: {
        key: 'uploads/xhqgmdh/0123456789abcdef-IMG_0042.HEIC',
        contentType: 'image/heic',
        fileSize: 3_400_000,
        maxBytes: MAX_IMAGE_BYTES,
        closesAt: CLOSE,
        expiresInSeconds: PRESIGN_EXPIRES_SECONDS,
      },
    });
  });

  describe('how long the presigned POST lives: ten minutes, never past the window’s close', () => {
    it('is ten minutes while the end is further away', () => {
      expect(plan({}, before(PRESIGN_EXPIRES_SECONDS * 1000 + 1))).toMatchObject({
        ok: true,
        plan: { expiresInSeconds: 600 },
      });
    });

    it('is the whole seconds left when the window closes sooner', () => {
      expect(plan({}, before(90_500))).toMatchObject({ ok: true, plan: { expiresInSeconds: 90 } });
      expect(plan({}, before(1_000))).toMatchObject({ ok: true, plan: { expiresInSeconds: 1 } });
    });

    it('is a 409 when less than a second is left', () => {
      expect(plan({}, before(999))).toMatchObject({ ok: false, reason: 'ended' });
    });
  });

  describe('the window: from midnight the day before the charter until a day after it ends, at the marina', () => {
    it('is midnight at the marina the day before, until 24 hours after the end', () => {
      expect(window).toEqual({ opensAt: OPEN, closesAt: CLOSE });
    });

    it('is not open yet a second before it opens (409 uploads_not_open), and open at the opening', () => {
      expect(plan({}, new Date(OPEN.getTime() - 1000))).toMatchObject({ ok: false, reason: 'not_open' });
      expect(plan({}, OPEN).ok).toBe(true);
    });

    it('is not open 90 days ahead: a page made months before is no file host', () => {
      expect(plan({}, new Date('2024-03-01T17:00:00Z'))).toMatchObject({ ok: false, reason: 'not_open' });
    });

    it('is open after the charter ends, through the grace (guests share the next day)', () => {
      expect(plan({}, new Date(END.getTime() + 60_000)).ok).toBe(true);
      expect(plan({}, before(60_000)).ok).toBe(true);
    });

    it('is closed at the close (409) and any time after', () => {
      expect(plan({}, CLOSE)).toMatchObject({ ok: false, reason: 'ended' });
      expect(plan({}, new Date('2024-06-02T00:00:00Z'))).toMatchObject({ ok: false, reason: 'ended' });
    });

    it('is measured at the marina, not in UTC or the server’s zone', () => {
      // Midnight on May 29 has passed in New York (UTC-4) at 05:00 UTC, but not in San Diego (UTC-7).
      const at0500 = new Date('2024-05-29T05:00:00Z');
      expect(plan({}, at0500)).toMatchObject({ ok: false, reason: 'not_open' });
      const newYork = uploadWindow({ ...charter, timezone: 'America/New_York' }, DEFAULT_UPLOAD_LIMITS);
      expect(newYork.opensAt.toISOString()).toBe('2024-05-29T04:00:00.000Z');
      expect(planUpload({ request: request(), window: newYork, now: at0500, id: 'x' }).ok).toBe(true);
    });

    it('follows the stage’s settings: the charter’s own day, no grace', () => {
      const tight = uploadWindow(charter, { opensDaysBefore: 0, graceHours: 0 });
      expect(tight).toEqual({ opensAt: new Date('2024-05-30T07:00:00Z'), closesAt: END });
    });

    it('opens at midnight across a month, a year and a daylight-saving change', () => {
      const newYear = { ...charter, charter_date: '2025-01-01' };
      expect(uploadWindow(newYear, DEFAULT_UPLOAD_LIMITS).opensAt.toISOString()).toBe('2024-12-31T08:00:00.000Z');
      // Spring forward on 2025-03-09: midnight on the 9th is still PST.
      const dst = { ...charter, charter_date: '2025-03-10' };
      expect(uploadWindow(dst, DEFAULT_UPLOAD_LIMITS).opensAt.toISOString()).toBe('2025-03-09T08:00:00.000Z');
    });
  });

  describe('types: photos and videos only (415)', () => {
    it.each([
      'image/jpeg',
      'image/png',
      'image/heic',
      'image/heif',
      'image/webp',
      'image/gif',
      'image/avif',
      'video/mp4',
      'video/quicktime',
      'video/webm',
    ])('accepts %s', (mime) => {
      expect(plan({ mime_type: mime, file_size: 1000 }).ok).toBe(true);
    });

    it.each([
      ['an SVG, which can carry script', 'image/svg+xml'],
      ['an HTML page', 'text/html'],
      ['a PDF', 'application/pdf'],
      ['an unknown binary', 'application/octet-stream'],
      ['a RAW photo', 'image/x-adobe-dng'],
      ['a type with a trailing space trick', 'image/jpeg2'],
    ])('refuses %s', (_label, mime) => {
      expect(plan({ mime_type: mime })).toMatchObject({ ok: false, reason: 'unsupported_type' });
    });

    it('normalizes case, parameters and old aliases, and pins the normalized type', () => {
      expect(normalizeMimeType(' IMAGE/JPG; charset=binary')).toBe('image/jpeg');
      expect(plan({ mime_type: 'Image/PJPEG', file_name: 'a.jpg' })).toMatchObject({
        ok: true,
        plan: { contentType: 'image/jpeg' },
      });
    });
  });

  describe('sizes: 25 MB for a photo, 200 MB for a video (413)', () => {
    it('accepts a photo of exactly the limit and refuses one byte more', () => {
      expect(plan({ file_size: MAX_IMAGE_BYTES }).ok).toBe(true);
      expect(plan({ file_size: MAX_IMAGE_BYTES + 1 })).toMatchObject({
        ok: false,
        reason: 'too_large',
        message: expect.stringContaining('25 MB') as unknown,
      });
    });

    it('accepts a video of exactly the limit and refuses one byte more', () => {
      const video = { mime_type: 'video/mp4', file_name: 'whales.mp4' };
      expect(plan({ ...video, file_size: MAX_VIDEO_BYTES })).toMatchObject({
        ok: true,
        plan: { maxBytes: MAX_VIDEO_BYTES },
      });
      expect(plan({ ...video, file_size: MAX_VIDEO_BYTES + 1 })).toMatchObject({ ok: false, reason: 'too_large' });
    });

    it('does not let a photo borrow the video limit', () => {
      expect(plan({ mime_type: 'image/jpeg', file_size: 100 * 1024 * 1024 })).toMatchObject({
        ok: false,
        reason: 'too_large',
      });
    });
  });

  it('checks the window before the file, so a closed window answers 409 whatever is sent', () => {
    expect(plan({ mime_type: 'application/pdf', file_size: 10 ** 12 }, CLOSE)).toMatchObject({
      ok: false,
      reason: 'ended',
    });
    expect(plan({ mime_type: 'application/pdf', file_size: 10 ** 12 }, new Date(0))).toMatchObject({
      ok: false,
      reason: 'not_open',
    });
  });

  it('names the limit a booking reached (429 quota_exceeded)', () => {
    expect(quotaMessage('files', DEFAULT_UPLOAD_LIMITS)).toBe(
      "This charter's uploads have reached their limit of 300 files.",
    );
    expect(quotaMessage('bytes', DEFAULT_UPLOAD_LIMITS)).toBe(
      "This charter's uploads have reached their limit of 5 GB.",
    );
  });

  describe('the request body (422)', () => {
    it.each([
      ['no booking id', { booking_id: undefined }],
      ['a booking id with a slash', { booking_id: 'abc/../def' }],
      ['an empty file name', { file_name: '' }],
      ['a size of zero', { file_size: 0 }],
      ['a negative size', { file_size: -5 }],
      ['a fractional size', { file_size: 1.5 }],
      ['a size as text', { file_size: '1000' }],
      ['no type', { mime_type: '' }],
    ])('refuses %s', (_label, overrides) => {
      expect(PresignRequest.safeParse({ ...request(), ...overrides }).success).toBe(false);
    });

    it('accepts the page’s request', () => {
      expect(PresignRequest.parse(request())).toEqual(request());
    });
  });
});

describe('file names are sanitized, never trusted', () => {
  it.each([
    ['a path climbing out of the folder', '../../etc/passwd', 'passwd'],
    ['a Windows path', 'C:\\Users\\dana\\Pictures\\IMG 0001.JPG', 'IMG-0001.JPG'],
    ['a full-width solidus', 'evil／..／x.png', 'x.png'],
    ['only dots', '..', 'upload'],
    ['only a slash', '/', 'upload'],
    ['a hidden-file name', '.htaccess', 'htaccess'],
    ['dots in a run', 'a....b..jpg', 'a.b.jpg'],
    ['dots split by dashes', 'a.-.-.b.jpg', 'a.b.jpg'],
    ['control characters', 'sun\u0000set\r\n.jpg', 'sunset.jpg'],
    ['accents and spaces', 'Été à bord.heic', 'Ete-a-bord.heic'],
    ['shell and HTML characters', '$(rm -rf ~);<b>.png', 'rm-rf-b.png'],
    ['an HTML closing tag (its slash is a path separator)', '<b>x</b>.png', 'b.png'],
    ['emoji', '🐋 whale!!.mov', 'whale.mov'],
  ])('%s', (_label, raw, safe) => {
    expect(sanitizeFileName(raw)).toBe(safe);
  });

  it('caps the length and keeps the extension', () => {
    const name = sanitizeFileName(`${'a'.repeat(300)}.jpeg`);
    expect(name).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(name.endsWith('.jpeg')).toBe(true);
  });

  it('always gives a short name of safe characters with no path and no ".."', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc.string({ unit: fc.constantFrom('.', '-', '_', '/', '\\', ' ', 'a', '\u0000'), maxLength: 40 }),
        ),
        (raw) => {
          const name = sanitizeFileName(raw);
          expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
          expect(name.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
          expect(name).not.toContain('..');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the name an extension that matches the type it is stored as', () => {
    expect(safeFileName('IMG_1', 'image/jpeg')).toBe('IMG_1.jpg');
    expect(safeFileName('photo.JPEG', 'image/jpeg')).toBe('photo.JPEG');
    expect(safeFileName('invoice.exe', 'image/png')).toBe('invoice-exe.png');
    expect(safeFileName('clip.MOV', 'video/quicktime')).toBe('clip.MOV');
    expect(safeFileName(`${'v'.repeat(200)}.avi`, 'video/mp4')).toHaveLength(MAX_FILE_NAME_LENGTH);
  });

  it('keeps the key under the booking’s prefix whatever the name', () => {
    const decision = plan({ file_name: '../../other-booking/x.jpg', mime_type: 'image/jpeg' });
    expect(decision).toMatchObject({ ok: true, plan: { key: 'uploads/xhqgmdh/0123456789abcdef-x.jpg' } });
  });
});

describe('the presigned POST policy', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const s3 = new S3Client({ region: 'us-west-2', credentials });
  const uploadPlan: UploadPlan = {
    key: 'uploads/xhqgmdh/0123456789abcdef-IMG_0042.jpg',
    contentType: 'image/jpeg',
    fileSize: 3_400_000,
    maxBytes: MAX_IMAGE_BYTES,
    closesAt: CLOSE,
    expiresInSeconds: PRESIGN_EXPIRES_SECONDS,
  };

  async function presign(target: UploadPlan = uploadPlan) {
    const signedAfter = Date.now();
    const post = await createPresignedPost(s3, presignedPostInput('charter-guest-uploads-test', target));
    const signedBefore = Date.now();
    const policy = JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    return { post, policy, signedAfter, signedBefore };
  }

  it('pins the exact key', async () => {
    const { post, policy } = await presign();
    expect(policy.conditions).toContainEqual({ key: uploadPlan.key });
    expect(policy.conditions).toContainEqual(['eq', '$key', uploadPlan.key]);
    expect(policy.conditions).not.toContainEqual(expect.arrayContaining(['starts-with']));
    expect(post.fields.key).toBe(uploadPlan.key);
  });

  it('pins the exact Content-Type and sends it as a field', async () => {
    const { post, policy } = await presign();
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'image/jpeg']);
    expect(policy.conditions).toContainEqual({ 'Content-Type': 'image/jpeg' });
    expect(post.fields['Content-Type']).toBe('image/jpeg');
  });

  it('limits the size to 1 byte .. the size the page declared, not the type’s whole limit', async () => {
    const { policy } = await presign();
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 3_400_000]);
    expect(policy.conditions.filter((c) => Array.isArray(c) && c[0] === 'content-length-range')).toHaveLength(1);
  });

  it('pins the bucket and expires ten minutes after signing', async () => {
    const { policy, signedAfter, signedBefore } = await presign();
    expect(policy.conditions).toContainEqual({ bucket: 'charter-guest-uploads-test' });
    expect(PRESIGN_EXPIRES_SECONDS).toBe(600);
    const expiration = Date.parse(policy.expiration);
    // The policy's expiration is written to the second.
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(signedAfter / 1000) * 1000 + 600_000);
    expect(expiration).toBeLessThanOrEqual(signedBefore + 600_000);
  });

  it('expires no later than the window’s close when that is within ten minutes', async () => {
    // Planned and signed 90.5 s before the end (the signer reads Date.now()).
    const now = before(90_500);
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
    try {
      const decision = planUpload({
        request: request({ mime_type: 'image/jpeg', file_name: 'a.jpg' }),
        window,
        now,
        id: 'id',
      });
      if (!decision.ok) throw new Error(`expected a plan, got ${decision.message}`);
      const { policy } = await presign(decision.plan);
      expect(decision.plan.expiresInSeconds).toBe(90);
      expect(Date.parse(policy.expiration)).toBeLessThanOrEqual(CLOSE.getTime());
      expect(Date.parse(policy.expiration)).toBe(CLOSE.getTime() - 1_000);
    } finally {
      clock.mockRestore();
    }
  });

  it('is signed with SigV4 over exactly that policy, as S3 will check it', async () => {
    const { post } = await presign();
    const [accessKeyId, date, region, service, terminator] = post.fields['X-Amz-Credential']!.split('/');
    expect([accessKeyId, region, service, terminator]).toEqual(['AKIDEXAMPLE', 'us-west-2', 's3', 'aws4_request']);
    const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
    const signingKey = hmac(
      hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date!), region!), service!),
      terminator!,
    );
    expect(post.fields['X-Amz-Signature']).toBe(
      createHmac('sha256', signingKey).update(post.fields.Policy!).digest('hex'),
    );
    expect(post.fields['X-Amz-Algorithm']).toBe('AWS4-HMAC-SHA256');
  });

  it('posts to the bucket’s regional endpoint', async () => {
    const { post } = await presign();
    expect(new URL(post.url).origin).toBe('https://charter-guest-uploads-test.s3.us-west-2.amazonaws.com');
  });

  it('pins a video’s own type and limit', async () => {
    const video = planUpload({
      request: request({ mime_type: 'video/quicktime', file_name: 'whales.mov', file_size: 150e6 }),
      window,
      now: before(1000),
      id: 'id',
    });
    if (!video.ok) throw new Error('expected a plan');
    const post = await createPresignedPost(s3, presignedPostInput('b', video.plan));
    const policy = JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['eq', '$Content-Type', 'video/quicktime']);
    expect(video.plan.maxBytes).toBe(MAX_VIDEO_BYTES);
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 150e6]);
    expect(policy.conditions).toContainEqual({ key: 'uploads/xhqgmdh/id-whales.mov' });
  });
});
