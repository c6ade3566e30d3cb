import { BookingId } from '@charter/events';
import { charterEndsAt, marinaTimeToInstant, type CharterTimes } from '@charter/shared/time';
import * as z from '@charter/events/zod';

/**
 * What a guest may upload from the page, and the presigned POST that lets them. Pure: the
 * handler supplies the clock and the random id, the store signs the result.
 */

/**
 * Photos from any phone camera are 2-15 MB (a 48 MP JPEG is the high end), so 25 MB leaves
 * room without letting the bucket become a file host.
 */
export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;
/**
 * One POST carries the whole file over the marina's mobile signal; 200 MB is about three
 * minutes of 1080p or one of 4K from a phone. Longer clips are better trimmed than lost halfway.
 */
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;
/**
 * The presigned POST is used right away by the page; ten minutes covers a slow start. Never
 * longer than until the charter ends: a POST signed a minute before the end expires with it.
 */
export const PRESIGN_EXPIRES_SECONDS = 600;
/** Long enough for any camera's name, short enough to read in a bucket listing. */
export const MAX_FILE_NAME_LENGTH = 100;

type Kind = 'image' | 'video';
/** Each allowed type with the extensions a file of that type may keep (the first is canonical). */
export const UPLOAD_TYPES: Readonly<Record<string, { kind: Kind; extensions: readonly string[] }>> = {
  'image/jpeg': { kind: 'image', extensions: ['jpg', 'jpeg'] },
  'image/png': { kind: 'image', extensions: ['png'] },
  'image/gif': { kind: 'image', extensions: ['gif'] },
  'image/webp': { kind: 'image', extensions: ['webp'] },
  'image/heic': { kind: 'image', extensions: ['heic'] },
  'image/heif': { kind: 'image', extensions: ['heif', 'hif'] },
  'image/avif': { kind: 'image', extensions: ['avif'] },
  'video/mp4': { kind: 'video', extensions: ['mp4', 'm4v'] },
  'video/quicktime': { kind: 'video', extensions: ['mov', 'qt'] },
  'video/webm': { kind: 'video', extensions: ['webm'] },
};

/** Names some browsers and older Android phones still send for the types above. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
};

export const maxBytesFor = (kind: Kind) => (kind === 'video' ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES);

/** `Image/JPEG; charset=x` -> `image/jpeg`; aliases to their standard name. */
export function normalizeMimeType(value: string): string {
  const bare = value.split(';')[0]!.trim().toLowerCase();
  return TYPE_ALIASES[bare] ?? bare;
}

export const PresignRequest = z.object({
  booking_id: BookingId,
  file_name: z
    .string({ error: 'must be the file name' })
    .check(
      z.minLength(1, { error: 'must not be empty' }),
      z.maxLength(1024, { error: 'must be at most 1024 characters' }),
    ),
  file_size: z
    .number({ error: 'must be the file size in bytes' })
    .check(z.int({ error: 'must be a whole number of bytes' }), z.positive({ error: 'must be at least 1 byte' })),
  mime_type: z
    .string({ error: 'must be the file type, e.g. image/jpeg' })
    .check(
      z.trim(),
      z.minLength(1, { error: 'must not be empty' }),
      z.maxLength(255, { error: 'must be at most 255 characters' }),
    ),
});
export type PresignRequest = z.infer<typeof PresignRequest>;

/**
 * A name safe to put at the end of an S3 key: only the last path segment (so `../../x` and
 * `C:\x` cannot climb out of the booking's folder), no control characters, accents folded,
 * anything outside `A-Z a-z 0-9 . _ -` turned into `-`, no runs of dots, no leading dot,
 * at most MAX_FILE_NAME_LENGTH characters with the extension kept. Never empty.
 */
export function sanitizeFileName(raw: string): string {
  // NFKC first, so a full-width solidus or a fraction slash is split on like "/".
  const lastSegment =
    raw
      .normalize('NFKC')
      .split(/[\\/\u2044\u2215]/)
      .pop() ?? '';
  let name = lastSegment
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '') // eslint-disable-line no-control-regex -- it strips control chars
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-*\.-*/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/[.-]+$/, '');
  if (name.length > MAX_FILE_NAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 11 ? name.slice(dot) : '';
    name = name.slice(0, MAX_FILE_NAME_LENGTH - extension.length).replace(/[._-]+$/, '') + extension;
  }
  return name || 'upload';
}

/** The sanitized name with an extension that matches its type (`IMG_1` + image/jpeg -> `IMG_1.jpg`). */
export function safeFileName(raw: string, mimeType: string): string {
  const name = sanitizeFileName(raw);
  const type = UPLOAD_TYPES[mimeType];
  if (!type) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (type.extensions.includes(extension)) return name;
  const canonical = type.extensions[0]!;
  const stem = name.replace(/\./g, '-').slice(0, MAX_FILE_NAME_LENGTH - canonical.length - 1);
  return `${stem}.${canonical}`;
}

/** Every upload of a booking lives under its own prefix; the random id keeps same-named files apart. */
export const uploadPrefix = (bookingId: string) => `uploads/${bookingId}/`;
export const uploadKey = (bookingId: string, id: string, safeName: string) =>
  `${uploadPrefix(bookingId)}${id}-${safeName}`;

/**
 * When a booking's uploads are open, and how much they may hold: the stage's settings (serverless.yml params), the
 * same for the page and for presign.
 */
export interface UploadLimits {
  /** Whole days before the charter's date the window opens, at midnight in the charter's zone (1: the day before). */
  opensDaysBefore: number;
  /** Hours the window stays open after the charter ends (guests share photos the next day). */
  graceHours: number;
  /** Files presigned per booking. */
  maxFiles: number;
  /** Bytes presigned per booking (the sizes the page declared, which each POST policy caps). */
  maxBytes: number;
}

/**
 * The defaults: open from midnight the day before (guests share from the dock, and the page is no file host for the
 * months before), closed a day after the charter ends; 300 files and 5 GB per booking, several times what a full
 * day's party shoots, and a bound on what a leaked page can cost.
 */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  opensDaysBefore: 1,
  graceHours: 24,
  maxFiles: 300,
  maxBytes: 5 * 1024 ** 3,
};

export interface UploadWindow {
  opensAt: Date;
  closesAt: Date;
}

/** `2024-05-30` minus `days` whole days, as a calendar date (no zone: dates are the marina's). */
function daysBefore(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day - days)).toISOString().slice(0, 10);
}

/**
 * The booking's upload window: from midnight at the marina `opensDaysBefore` days before the charter's date (a page
 * made months ahead is no file host until then) until `graceHours` after the charter ends.
 */
export function uploadWindow(charter: CharterTimes, limits: Pick<UploadLimits, 'opensDaysBefore' | 'graceHours'>) {
  const opensAt = marinaTimeToInstant(
    daysBefore(charter.charter_date, limits.opensDaysBefore),
    '00:00',
    charter.timezone,
  );
  const closesAt = new Date(charterEndsAt(charter).getTime() + limits.graceHours * 3_600_000);
  return { opensAt, closesAt } satisfies UploadWindow;
}

export interface UploadPlan {
  key: string;
  contentType: string;
  /** The size the page declared, already within the type's limit: the POST may carry at most this. */
  fileSize: number;
  /** The type's limit (what the page is told it may send). */
  maxBytes: number;
  /** When uploads close: the charter's end at the marina, plus the grace. */
  closesAt: Date;
  /** How long the presigned POST is valid: ten minutes, or less when the window closes sooner. */
  expiresInSeconds: number;
}

export type UploadRefusal = {
  ok: false;
  reason: 'not_open' | 'ended' | 'unsupported_type' | 'too_large';
  message: string;
};
export type UploadDecision = { ok: true; plan: UploadPlan } | UploadRefusal;

/**
 * Decides one upload: refused outside the window (before it opens, or less than a second before it closes), for a
 * type outside the allowlist, or for a size over the type's limit; otherwise the exact key, Content-Type, size and
 * lifetime the presigned POST will pin.
 */
export function planUpload(input: {
  request: PresignRequest;
  window: UploadWindow;
  now: Date;
  id: string;
}): UploadDecision {
  const { request, window, now, id } = input;
  const { opensAt, closesAt } = window;
  if (now.getTime() < opensAt.getTime()) {
    return {
      ok: false,
      reason: 'not_open',
      message: `Uploads for this charter open at ${opensAt.toISOString()} (midnight at the marina before it).`,
    };
  }
  // Whole seconds, rounded down: the policy's expiration is written to the second, and the
  // window closes on a whole minute, so a POST signed now expires when it closes at the latest.
  const expiresInSeconds = Math.min(PRESIGN_EXPIRES_SECONDS, Math.floor((closesAt.getTime() - now.getTime()) / 1000));
  if (expiresInSeconds <= 0) {
    return {
      ok: false,
      reason: 'ended',
      message: `Uploads for this charter closed at ${closesAt.toISOString()}, after it ended.`,
    };
  }
  const contentType = normalizeMimeType(request.mime_type);
  const type = UPLOAD_TYPES[contentType];
  if (!type) {
    return {
      ok: false,
      reason: 'unsupported_type',
      message:
        `${contentType} files cannot be uploaded here; ` +
        `send photos (${typesOf('image')}) or videos (${typesOf('video')}).`,
    };
  }
  const maxBytes = maxBytesFor(type.kind);
  if (request.file_size > maxBytes) {
    return {
      ok: false,
      reason: 'too_large',
      message:
        `This ${type.kind} is ${megabytes(request.file_size)}; ` +
        `the limit for ${type.kind}s is ${megabytes(maxBytes)}.`,
    };
  }
  const key = uploadKey(request.booking_id, id, safeFileName(request.file_name, contentType));
  return { ok: true, plan: { key, contentType, fileSize: request.file_size, maxBytes, closesAt, expiresInSeconds } };
}

/**
 * The presigned POST's policy as plain data: the part of `@aws-sdk/s3-presigned-post`'s PresignedPostOptions it uses
 * (domain code imports no AWS package; the store passes this to createPresignedPost, which type-checks it there).
 */
export interface PostPolicy {
  Bucket: string;
  Key: string;
  Conditions: Array<['eq', string, string] | ['content-length-range', number, number]>;
  Fields: Record<string, string>;
  Expires: number;
}

/**
 * The input for `@aws-sdk/s3-presigned-post`'s createPresignedPost. The policy it signs pins
 * the exact key (`{key}`), the exact Content-Type (the field is sent, and an `eq` condition
 * holds it), a content-length-range of 1 byte to the size the page declared (checked against
 * the type's limit), and an expiration no later than the charter's end; S3 refuses any POST
 * that differs, whatever the page's script does.
 */
export function presignedPostInput(bucket: string, plan: UploadPlan): PostPolicy {
  return {
    Bucket: bucket,
    Key: plan.key,
    Conditions: [
      ['eq', '$key', plan.key],
      ['eq', '$Content-Type', plan.contentType],
      ['content-length-range', 1, plan.fileSize],
    ],
    Fields: { 'Content-Type': plan.contentType },
    Expires: plan.expiresInSeconds,
  };
}

/** Which per-booking limit an upload would pass. */
export type QuotaLimit = 'files' | 'bytes';

/** The 429's words: which limit, and its value. */
export function quotaMessage(limit: QuotaLimit, limits: Pick<UploadLimits, 'maxFiles' | 'maxBytes'>): string {
  return limit === 'files'
    ? `This charter's uploads have reached their limit of ${limits.maxFiles} files.`
    : `This charter's uploads have reached their limit of ${bytesInWords(limits.maxBytes)}.`;
}

function bytesInWords(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  return gb >= 1 ? `${Math.round(gb * 10) / 10} GB` : megabytes(bytes);
}

function typesOf(kind: Kind): string {
  return Object.entries(UPLOAD_TYPES)
    .filter(([, t]) => t.kind === kind)
    .map(([, t]) => t.extensions[0]!.toUpperCase())
    .join(', ');
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}
