import * as z from './zod';
import {
  BookingId,
  Cents,
  CharterDate,
  ClockTime,
  DEFAULT_TIMEZONE,
  GuestCount,
  NonEmptyText,
  Revision,
  SchemaVersion1,
  Timezone,
  endAfterStart,
} from './primitives';

export const PartnerName = z
  .string()
  .check(
    z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'must be a partner name: lowercase letters, digits or -' }),
    z.meta({ examples: ['boatsetter', 'getmyboat', 'direct'] }),
  );

/** Every field of a booking as it stands; BookingCreated and BookingUpdated both carry the whole booking. */
export const bookingFields = {
  schema_version: SchemaVersion1,
  booking_id: BookingId,
  source: PartnerName.check(
    z.meta({ description: 'Partner name; the webhook intake forces it to the partner in the path' }),
  ),
  charter_date: CharterDate,
  charter_start: ClockTime,
  charter_end: ClockTime.check(z.meta({ description: 'Local time the charter ends, HH:MM, after charter_start' })),
  timezone: z._default(Timezone, DEFAULT_TIMEZONE),
  guest_count: GuestCount,
  guest: z
    .object({
      name: NonEmptyText(200),
      email: z.optional(z.email({ error: 'must be an email address' })),
      phone: z.optional(z.string().check(z.trim(), z.maxLength(40, { error: 'must be at most 40 characters' }))),
    })
    .check(z.meta({ description: 'Personal data: never in public files' })),
  vessel: NonEmptyText(100).check(z.meta({ examples: ['JADA'] })),
  location: NonEmptyText(200).check(z.meta({ examples: ['Shelter Island, San Diego'] })),
  revenue_cents: z.optional(Cents).check(z.meta({ description: 'Money: never reaches crew' })),
  captain_fee_cents: z.optional(Cents).check(z.meta({ description: 'Money: never reaches crew' })),
  currency: z._default(
    z.string().check(z.regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' })),
    'USD',
  ),
  notes: z
    .optional(z.string().check(z.maxLength(4000, { error: 'must be at most 4000 characters' })))
    .check(z.meta({ description: 'Free text; money in it is removed before crew see it' })),
};

export const BookingCreated = z
  .object({ ...bookingFields, revision: z._default(Revision, 1) })
  .check(
    endAfterStart,
    z.meta({ title: 'BookingCreated', description: 'A partner booked a charter (detail, schema v1).' }),
  );

export type BookingCreated = z.infer<typeof BookingCreated>;
/** What a partner may send: defaults (timezone, currency, revision) not yet applied. */
export type BookingCreatedInput = z.input<typeof BookingCreated>;
