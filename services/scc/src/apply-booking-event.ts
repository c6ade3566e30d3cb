import type { BookingCancelled, BookingCreated, BookingUpdated } from '@charter/events';
import {
  admits,
  assertApplicable,
  refusalOf,
  type BookingEventRef,
  type RevisionRefusal,
} from '@charter/shared/booking-revision';
import { mergePrivateFacts, privateFactsOf, type PrivateFacts } from '@charter/shared/redaction';
import { bookingUpdatedDetail, cancellationOf, eventCancelledDetail, planBookingChange } from './domain/booking-change';
import { bookingEventOf, eventIdFor, projectCharter, type CrewEvent, type PublishedEvent } from './domain/crew-event';
import { writeBookingChange, writeCancellation, writeTombstone } from './store/booking';
import { createCrewEvent, rosterForNewEvent } from './store/events';
import { readItem, type StoredItem } from './store/table';

/**
 * A partner's booking event applied to the booking's crew event: created (the first event), changed (a later
 * revision), cancelled, or a tombstone (a cancellation that came first). Every effect is driven from what the write
 * stored: the success event to publish is the one kept on the item, so a redelivery publishes the same content again.
 */
export type BookingOutcome =
  | { kind: 'applied'; action: 'created' | 'updated' | 'cancelled' | 'tombstone'; publish?: PublishedEvent }
  | { kind: 'refused'; refusal: RevisionRefusal; publish?: PublishedEvent };

/**
 * Writes lost to concurrent writers of the same event (another delivery, a PATCH) before this one gives up and lets
 * Lambda retry; each loss means another writer made progress, so a handful is plenty.
 */
const MAX_ATTEMPTS = 5;

/**
 * What to write for a booking event, given what was read (the event and the booking's private facts kept with it);
 * undefined when the write lost its race (read again).
 */
interface Writes {
  absent(): Promise<BookingOutcome | undefined>;
  live(event: CrewEvent, redaction: PrivateFacts): Promise<BookingOutcome | undefined>;
}

/**
 * Reads the booking's item, refuses what the guard refuses, else makes the guarded write pinned to what was read, and
 * reads again when another writer got there first. A refusal seen in a read is final (the owner never changes, the
 * revision only rises, cancelled is final), so it needs no write; an event applies only through the guarded write.
 */
async function untilSettled(bookingId: string, ref: BookingEventRef, writes: Writes): Promise<BookingOutcome> {
  const eventId = eventIdFor(bookingId);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const item = await readItem(eventId);
    const outcome = !item
      ? await writes.absent()
      : (refusalFor(item, ref, bookingId) ??
        (item.kind === 'event' ? await writes.live(item.event, item.redaction) : undefined));
    if (outcome) return outcome;
  }
  throw new Error(`crew event ${eventId}: ${MAX_ATTEMPTS} writes in a row lost to concurrent writers; retrying`);
}

/** The refusal of an event the stored head does not admit; another partner's is dead-lettered (NotOwnerError). */
function refusalFor(item: StoredItem, ref: BookingEventRef, bookingId: string): BookingOutcome | undefined {
  const head = item.kind === 'event' ? item.event : item.tombstone;
  if (admits(head, ref)) return undefined;
  const refusal = refusalOf(head, ref);
  assertApplicable(refusal, bookingId, ref.owner);
  if (refusal.kind !== 'redelivery' || item.kind !== 'event') return { kind: 'refused', refusal };
  return { kind: 'refused', refusal, publish: bookingEventOf(item.event) };
}

/**
 * BookingCreated, or BookingUpdated (the whole booking as it now stands). The first event for a booking creates its
 * crew event, whichever type it is; a later revision changes the crew-safe fields.
 */
export function applyBooking(booking: BookingCreated | BookingUpdated, ref: BookingEventRef): Promise<BookingOutcome> {
  const facts = privateFactsOf(booking);
  return untilSettled(booking.booking_id, ref, {
    async absent() {
      const crew = await rosterForNewEvent();
      const created = await createCrewEvent({ ...projectCharter(booking), crew }, 'booking', ref, facts);
      if (created.kind !== 'created') return undefined;
      return { kind: 'applied', action: 'created', publish: created.event.booking_event };
    },
    async live(event, known) {
      // Scrubbed against every revision's amounts and contacts: a change's notes may name the first revision's.
      const charter = projectCharter(booking, known);
      const change = planBookingChange(event, charter);
      const after = { ...event, ...charter, revision: ref.revision, version: event.version + 1 };
      const publish = { detail_type: 'EventUpdated', detail: bookingUpdatedDetail(after, change) } as const;
      const redaction = mergePrivateFacts(known, facts);
      if (!(await writeBookingChange(event, ref, change, publish, redaction))) return undefined;
      return { kind: 'applied', action: 'updated', publish };
    },
  });
}

/** BookingCancelled: the crew event is marked cancelled, or a tombstone is left when there is none yet. */
export function applyCancellation(detail: BookingCancelled, ref: BookingEventRef): Promise<BookingOutcome> {
  return untilSettled(detail.booking_id, ref, {
    async absent() {
      const eventId = eventIdFor(detail.booking_id);
      if (!(await writeTombstone(eventId, detail.booking_id, ref, cancellationOf(detail)))) return undefined;
      return { kind: 'applied', action: 'tombstone' };
    },
    async live(event, known) {
      // The reason is scrubbed against the booking's own amounts and guest contacts, kept with the event.
      const cancellation = cancellationOf(detail, known);
      const after = { ...event, revision: ref.revision, version: event.version + 1 };
      const publish = { detail_type: 'EventCancelled', detail: eventCancelledDetail(after, cancellation) } as const;
      if (!(await writeCancellation(event, ref, cancellation, publish))) return undefined;
      return { kind: 'applied', action: 'cancelled', publish };
    },
  });
}
