import { z } from 'zod';
import { BookingId, EventId, MemberId, SchemaVersion1 } from './primitives';

export const CrewNotified = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    event_id: EventId,
    recipients: z
      .array(
        z.object({
          member_id: MemberId,
          email: z.email(),
          message_id: z.string().min(1),
        }),
      )
      .min(1),
  })
  .meta({ title: 'CrewNotified', description: 'Every crew member of the event was emailed once.' });
export type CrewNotified = z.infer<typeof CrewNotified>;
