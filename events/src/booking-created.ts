import { z } from 'zod';
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
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'must be a partner name: lowercase letters, digits or -' })
  .meta({ examples: ['boatsetter', 'getmyboat', 'direct'] });

/** Every field of a booking as it stands; BookingCreated and BookingUpdated both carry the whole booking. */
export const bookingFields = {
  schema_version: SchemaVersion1,
  booking_id: BookingId,
  source: PartnerName.meta({ description: 'Partner name; the webhook intake forces it to the partner in the path' }),
  charter_date: CharterDate,
  charter_start: ClockTime,
  charter_end: ClockTime.meta({ description: 'Local time the charter ends, HH:MM, after charter_start' }),
  timezone: Timezone.default(DEFAULT_TIMEZONE),
  guest_count: GuestCount,
  guest: z
    .object({
      name: NonEmptyText(200),
      email: z.email({ error: 'must be an email address' }).optional(),
      phone: z.string().trim().max(40, { error: 'must be at most 40 characters' }).optional(),
    })
    .meta({ description: 'Personal data: never in public files' }),
  vessel: NonEmptyText(100).meta({ examples: ['JADA'] }),
  location: NonEmptyText(200).meta({ examples: ['Shelter Island, San Diego'] }),
  revenue_cents: Cents.optional().meta({ description: 'Money: never reaches crew' }),
  captain_fee_cents: Cents.optional().meta({ description: 'Money: never reaches crew' }),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' })
    .default('USD'),
  notes: z
    .string()
    .max(4000, { error: 'must be at most 4000 characters' })
    .optional()
    .meta({ description: 'Free text; money in it is removed before crew see it' }),
};

export const BookingCreated = z
  .object({ ...bookingFields, revision: Revision.default(1) })
  .check(endAfterStart)
  .meta({ title: 'BookingCreated', description: 'A partner booked a charter (detail, schema v1).' });

export type BookingCreated = z.infer<typeof BookingCreated>;
/** What a partner may send: defaults (timezone, currency, revision) not yet applied. */
export type BookingCreatedInput = z.input<typeof BookingCreated>;
