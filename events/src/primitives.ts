import * as z from './zod';

/** Partner booking ids travel in S3 keys and URLs, so they are limited to URL-safe characters. */
export const BookingId = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9_-]{3,64}$/, { error: 'must be 3-64 characters of A-Z, a-z, 0-9, _ or -' }),
    z.meta({ description: "The partner's booking id, e.g. xhqgmdh", examples: ['xhqgmdh'] }),
  );

/** A real calendar date: 2027-02-30 is refused (zod's ISO date checks month lengths and leap years). */
export const CharterDate = z.iso
  .date({ error: 'must be a real date written YYYY-MM-DD' })
  .check(z.meta({ description: 'Local date at the marina, YYYY-MM-DD' }));

export const ClockTime = z
  .string()
  .check(
    z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time written HH:MM' }),
    z.meta({ description: 'Local time at the marina, HH:MM (24 h)' }),
  );

export const DEFAULT_TIMEZONE = 'America/Los_Angeles';

/** True when the runtime's ICU knows the IANA zone; the regex keeps offsets like "+05:00" out. */
export function isIanaTimezone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const Timezone = z
  .string()
  .check(
    z.refine(isIanaTimezone, { error: 'must be an IANA time zone name such as America/Los_Angeles' }),
    z.meta({ description: 'IANA time zone of the marina', examples: [DEFAULT_TIMEZONE] }),
  );

export const GuestCount = z
  .number()
  .check(
    z.int({ error: 'must be a whole number' }),
    z.minimum(1, { error: 'must be at least 1' }),
    z.maximum(150, { error: 'must be at most 150' }),
  );

export const Cents = z
  .number()
  .check(z.int({ error: 'must be a whole number of cents' }), z.minimum(0, { error: 'must not be negative' }));

export const SchemaVersion1 = z.literal(1).check(z.meta({ description: 'Version of this detail schema' }));

/**
 * The partner's change counter for a booking: every booking event carries one, and a service applies an event only
 * when its revision is higher than the last it applied, so a late or replayed event never undoes a newer one.
 */
export const Revision = z
  .number()
  .check(
    z.int({ error: 'must be a whole number' }),
    z.minimum(1, { error: 'must be at least 1' }),
    z.meta({ description: "The partner's change counter for this booking (1 for the first version)" }),
  );

/** An instant written in ISO 8601 with its offset, e.g. 2027-03-01T16:05:00Z. */
export const Instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' });

export const NonEmptyText = (max: number) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, { error: 'must not be empty' }),
      z.maxLength(max, { error: `must be at most ${max} characters` }),
    );

/** Minutes since midnight of an HH:MM string already validated by ClockTime. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Crew member ids travel in magic-link tokens (`<member_id>.<expiry>.<mac>`), so no dots. */
export const MEMBER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const MemberId = z
  .string()
  .check(z.regex(MEMBER_ID_PATTERN, { error: 'must be lowercase letters, digits or -' }));

/** SCC's crew event ids: `evt_` and a URL-safe suffix. */
export const EVENT_ID_PATTERN = /^evt_[A-Za-z0-9_-]{8,64}$/;
export const EventId = z.string().check(z.regex(EVENT_ID_PATTERN, { error: 'must be an SCC event id (evt_...)' }));

/** A guest page's slug: URL-safe, long enough to be unguessable (the service mints 128 random bits). */
export const SLUG_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const Slug = z.string().check(z.regex(SLUG_PATTERN, { error: 'must be an unguessable URL-safe slug' }));

/**
 * A zod check for any object schema with charter_start and charter_end: the end must come after
 * the start (charters do not run past midnight). Skipped while either is missing (a partial PATCH).
 */
export function endAfterStart(ctx: {
  value: { charter_start?: string; charter_end?: string };
  issues: z.core.$ZodRawIssue[];
}): void {
  const { charter_start: start, charter_end: end } = ctx.value;
  if (start && end && minutesOf(end) <= minutesOf(start)) {
    ctx.issues.push({ code: 'custom', path: ['charter_end'], message: 'must be after charter_start', input: end });
  }
}

export const CrewMember = z
  .object({
    member_id: MemberId,
    name: NonEmptyText(120),
    email: z.email({ error: 'must be an email address' }),
    role: NonEmptyText(40).check(
      z.meta({ description: 'captain, mate, deckhand, ...; the captain is BCC’d on crew email' }),
    ),
  })
  .check(z.meta({ title: 'CrewMember' }));
export type CrewMember = z.infer<typeof CrewMember>;
