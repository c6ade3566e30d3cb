import * as z from './zod';
import { CancelledBy } from './booking-lifecycle';
import { CrewSafeField, EventVersion, crewEventFields } from './event-created';
import { BookingId, CrewMember, EventId, Instant, MemberId, Revision, SchemaVersion1 } from './primitives';

const Scalar = z.union([z.string(), z.number()]);

/**
 * The crew event as it now stands, with what changed. `cause` says who changed it: a booking change (BookingUpdated,
 * to be told to crew once the calendar has the same revision) or the crew side (a PATCH of the crew list or notes).
 */
export const EventUpdated = z
  .strictObject({
    ...crewEventFields,
    revision: Revision,
    version: EventVersion,
    cause: z.enum(['booking', 'crew']),
    changes: z.array(z.strictObject({ field: CrewSafeField, from: Scalar, to: Scalar })),
    crew_added: z.array(MemberId),
    crew_removed: z.array(CrewMember),
    confirmations_cleared: z
      .boolean()
      .check(z.meta({ description: 'A change of date, time or place: crew confirm again' })),
  })
  .check(
    z.meta({ title: 'EventUpdated', description: 'SCC changed a crew event (a booking change or a crew change).' }),
  );
export type EventUpdated = z.infer<typeof EventUpdated>;

export const EventCancelled = z
  .strictObject({
    ...crewEventFields,
    revision: Revision,
    version: EventVersion,
    cancelled_at: Instant,
    cancelled_by: z.optional(CancelledBy),
    reason: z
      .optional(z.string().check(z.maxLength(500)))
      .check(z.meta({ description: 'Scrubbed of money and contact details' })),
  })
  .check(
    z.meta({ title: 'EventCancelled', description: 'SCC marked a crew event cancelled: its booking was cancelled.' }),
  );
export type EventCancelled = z.infer<typeof EventCancelled>;

const crewAnswerFields = {
  schema_version: SchemaVersion1,
  booking_id: BookingId,
  event_id: EventId,
  member_id: MemberId,
  revision: Revision.check(z.meta({ description: 'The booking revision the member answered about' })),
  version: EventVersion,
};

export const CrewConfirmed = z
  .strictObject({ ...crewAnswerFields, confirmed_at: Instant })
  .check(z.meta({ title: 'CrewConfirmed', description: 'A crew member confirmed they will be there.' }));
export type CrewConfirmed = z.infer<typeof CrewConfirmed>;

export const CrewDeclined = z
  .strictObject({
    ...crewAnswerFields,
    declined_at: Instant,
    reason: z
      .optional(z.string().check(z.maxLength(500)))
      .check(z.meta({ description: "The member's own words, for the captain" })),
  })
  .check(z.meta({ title: 'CrewDeclined', description: "A crew member said they can't make it." }));
export type CrewDeclined = z.infer<typeof CrewDeclined>;

export const CrewResendRequested = z
  .strictObject({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    event_id: EventId,
    member_id: MemberId,
    revision: Revision.check(
      z.meta({ description: 'The booking revision of the crew event when the resend was asked for' }),
    ),
    version: EventVersion,
    requested_at: Instant.check(
      z.meta({ description: 'When the operator asked; a redelivery carries the same instant' }),
    ),
  })
  .check(
    z.meta({
      title: 'CrewResendRequested',
      description:
        'The operator asked for a fresh notice to one crew member (POST /events/{event_id}/crew/{member_id}/resend).',
    }),
  );
export type CrewResendRequested = z.infer<typeof CrewResendRequested>;
