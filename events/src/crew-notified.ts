import * as z from './zod';
import { BookingId, EventId, MemberId, Revision, SchemaVersion1 } from './primitives';

/**
 * What a crew notice told: the four of the contract, and `resend`, a fresh notice of the member's current state (the
 * charter as it now stands, with a new crew-page link) that the operator asked for (CrewResendRequested).
 */
export const NoticeKind = z.enum(['call', 'change', 'cancel', 'removal', 'resend']);
export type NoticeKind = z.infer<typeof NoticeKind>;

export const CrewNotified = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    event_id: EventId,
    kind: z._default(NoticeKind, 'call'),
    revision: z._default(Revision, 1).check(z.meta({ description: 'The booking revision the notice describes' })),
    recipients: z
      .array(
        z.object({
          member_id: MemberId,
          email: z.email(),
          message_id: z.string().check(z.minLength(1)),
        }),
      )
      .check(z.minLength(1)),
  })
  .check(
    z.meta({
      title: 'CrewNotified',
      description:
        'Crew members were sent a notice (call, change, cancel, removal, or a resend the operator asked for).',
    }),
  );
export type CrewNotified = z.infer<typeof CrewNotified>;
