import * as z from './zod';
import { PartnerName, bookingFields } from './booking-created';
import { BookingId, Instant, Revision, SchemaVersion1, endAfterStart } from './primitives';

/**
 * The whole booking as it now stands, with its revision. It may arrive before BookingCreated (EventBridge keeps no
 * order): then it is the creation.
 */
export const BookingUpdated = z
  .object({ ...bookingFields, revision: Revision })
  .check(
    endAfterStart,
    z.meta({ title: 'BookingUpdated', description: 'A partner changed a booking; the detail is the whole booking.' }),
  );
export type BookingUpdated = z.infer<typeof BookingUpdated>;
export type BookingUpdatedInput = z.input<typeof BookingUpdated>;

export const CancelledBy = z.enum(['guest', 'operator', 'partner', 'weather', 'other']);
export type CancelledBy = z.infer<typeof CancelledBy>;

/** Cancelled is final: any later event for the booking is ignored, and a cancellation that comes first is kept. */
export const BookingCancelled = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    source: PartnerName.check(
      z.meta({ description: 'Partner name; the webhook intake forces it to the partner in the path' }),
    ),
    revision: Revision,
    cancelled_at: Instant,
    reason: z
      .optional(z.string().check(z.maxLength(500, { error: 'must be at most 500 characters' })))
      .check(z.meta({ description: 'Free text; money and contact details in it are removed before crew see it' })),
    cancelled_by: z.optional(CancelledBy),
  })
  .check(z.meta({ title: 'BookingCancelled', description: 'A partner cancelled a booking.' }));
export type BookingCancelled = z.infer<typeof BookingCancelled>;
export type BookingCancelledInput = z.input<typeof BookingCancelled>;
