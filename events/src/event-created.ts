import * as z from './zod';
import {
  BookingId,
  CharterDate,
  ClockTime,
  CrewMember,
  EventId,
  GuestCount,
  NonEmptyText,
  Revision,
  SchemaVersion1,
  Timezone,
} from './primitives';

/** The crew event's own change counter: every write to it (a booking change, a crew PATCH) bumps it. */
export const EventVersion = z
  .number()
  .check(z.int(), z.minimum(1), z.meta({ description: "The crew event's version, bumped on every change" }));

/**
 * The crew-safe projection of a booking, as EventCreated, EventUpdated and EventCancelled carry it. It has no money
 * fields and no guest contact details; magic-link tokens never travel on the bus (the notifier mints them).
 */
export const crewEventFields = {
  schema_version: SchemaVersion1,
  booking_id: BookingId,
  event_id: EventId,
  revision: z._default(Revision, 1).check(z.meta({ description: 'The booking revision this crew event reflects' })),
  version: z._default(EventVersion, 1),
  charter_date: CharterDate,
  charter_start: ClockTime,
  charter_end: ClockTime,
  timezone: Timezone,
  vessel: NonEmptyText(100),
  location: NonEmptyText(200),
  guest_count: GuestCount,
  crew: z.array(CrewMember).check(z.minLength(1, { error: 'must name at least one crew member' }), z.maxLength(20)),
};

/** The fields a crew member is told old -> new about when they change. */
export const CrewSafeField = z.enum([
  'charter_date',
  'charter_start',
  'charter_end',
  'timezone',
  'vessel',
  'location',
  'guest_count',
]);
export type CrewSafeField = z.infer<typeof CrewSafeField>;

export const EventCreated = z
  .strictObject(crewEventFields)
  .check(z.meta({ title: 'EventCreated', description: 'SCC created the crew event for a booking.' }));
export type EventCreated = z.infer<typeof EventCreated>;
export type EventCreatedInput = z.input<typeof EventCreated>;
