import { z } from 'zod';
import {
  BookingId,
  CharterDate,
  ClockTime,
  CrewMember,
  EventId,
  GuestCount,
  NonEmptyText,
  SchemaVersion1,
  Timezone,
} from './primitives';

/**
 * The crew-safe projection of a booking. It has no money fields and no guest contact details;
 * magic-link tokens never travel on the bus (the notifier mints them from the shared key).
 */
export const EventCreated = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    event_id: EventId,
    charter_date: CharterDate,
    charter_start: ClockTime,
    charter_end: ClockTime,
    timezone: Timezone,
    vessel: NonEmptyText(100),
    location: NonEmptyText(200),
    guest_count: GuestCount,
    crew: z.array(CrewMember).min(1, { error: 'must name at least one crew member' }).max(20),
  })
  .strict()
  .meta({ title: 'EventCreated', description: 'SCC created the crew event for a booking.' });
export type EventCreated = z.infer<typeof EventCreated>;
