import * as z from './zod';
import { PartnerName } from './booking-created';
import { BookingId, Instant, SchemaVersion1 } from './primitives';

/**
 * Why the webhook intake refused a partner's request. `not_owner` is not here: the intake cannot know it (the
 * consumers refuse it, and their dead letters say so).
 */
export const RefusalReason = z.enum([
  'unknown_partner',
  'missing_signature',
  'bad_signature',
  'stale_timestamp',
  'payload_too_large',
  'bad_json',
  'invalid',
]);
export type RefusalReason = z.infer<typeof RefusalReason>;

/**
 * The intake refused a partner's request, so the operator can see a partner's sync failing (a rotated secret, a
 * skewed clock, a changed payload) without reading logs. It carries what the refusal was, never what was sent: no
 * body, no signature, no header, no field value. Strict, so a publisher cannot add them by mistake.
 */
export const PartnerRequestRefused = z
  .strictObject({
    schema_version: SchemaVersion1,
    partner: PartnerName.check(z.meta({ description: 'The partner named in the request path' })),
    reason: RefusalReason,
    status: z
      .number()
      .check(
        z.int(),
        z.minimum(400),
        z.maximum(499),
        z.meta({ description: 'The HTTP status the partner was answered' }),
      ),
    at: Instant.check(z.meta({ description: 'When the intake refused the request' })),
    route: z
      .enum(['create', 'update', 'cancel'])
      .check(z.meta({ description: 'Which intake route: POST .../bookings, PUT .../{booking_id}, POST .../cancel' })),
    booking_id: z
      .optional(BookingId)
      .check(
        z.meta({ description: 'The booking id of the path (update, cancel); never read from an unverified body' }),
      ),
    fields: z
      .optional(z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20)))
      .check(z.meta({ description: 'For reason invalid: the paths of the fields refused (names only, never values)' })),
  })
  .check(
    z.meta({
      title: 'PartnerRequestRefused',
      description: "The bus's webhook intake refused a partner's request (4xx); no body or signature material.",
    }),
  );
export type PartnerRequestRefused = z.infer<typeof PartnerRequestRefused>;
export type PartnerRequestRefusedInput = z.input<typeof PartnerRequestRefused>;
