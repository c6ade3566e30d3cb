import { z } from 'zod';

/** Partner booking ids travel in S3 keys and URLs, so they are limited to URL-safe characters. */
export const BookingId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,64}$/, { error: 'must be 3-64 characters of A-Z, a-z, 0-9, _ or -' })
  .meta({ description: "The partner's booking id, e.g. xhqgmdh", examples: ['xhqgmdh'] });

/** A real calendar date: 2027-02-30 is refused (zod's ISO date checks month lengths and leap years). */
export const CharterDate = z.iso
  .date({ error: 'must be a real date written YYYY-MM-DD' })
  .meta({ description: 'Local date at the marina, YYYY-MM-DD' });

export const ClockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time written HH:MM' })
  .meta({ description: 'Local time at the marina, HH:MM (24 h)' });

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
  .refine(isIanaTimezone, { error: 'must be an IANA time zone name such as America/Los_Angeles' })
  .meta({ description: 'IANA time zone of the marina', examples: [DEFAULT_TIMEZONE] });

export const GuestCount = z
  .number()
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(150, { error: 'must be at most 150' });

export const Cents = z
  .number()
  .int({ error: 'must be a whole number of cents' })
  .min(0, { error: 'must not be negative' });

export const SchemaVersion1 = z.literal(1).meta({ description: 'Version of this detail schema' });

export const NonEmptyText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

/** Minutes since midnight of an HH:MM string already validated by ClockTime. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export const CrewMember = z
  .object({
    member_id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'must be lowercase letters, digits or -' }),
    name: NonEmptyText(120),
    email: z.email({ error: 'must be an email address' }),
    role: NonEmptyText(40).meta({ description: 'captain, mate, deckhand, ...; the captain is BCC’d on crew email' }),
  })
  .meta({ title: 'CrewMember' });
export type CrewMember = z.infer<typeof CrewMember>;
