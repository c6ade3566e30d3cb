import { assertApplicable, type BookingEventRef } from '@charter/shared/booking-revision';
import { checkPublishingSettings } from './config';
import { entryOf, headReflects, type StoredEntry } from './domain/booking-head';
import type { CalendarEntry } from './domain/entry';
import { fileAndAnnounce, type Announced, type Invocation } from './publishing';
import { applyToHead, readHead, writeOperatorEntry, type BookingChange } from './store/heads';

/**
 * What a partner's booking event or the operator's POST does to the calendar: one conditional write of the booking's
 * head, then the effects made from the head (publishing.ts). The README's state table says it case by case.
 */

export type EventResult =
  | ({ kind: 'applied' } & Announced)
  /** The same revision again: its effects repeated from the head, since the first attempt may have died halfway. */
  | ({ kind: 'redelivered' } & Announced)
  /** Older than the head, after a cancellation, or a redelivery overtaken by a newer write: nothing changes. */
  | { kind: 'ignored'; reason: 'stale' | 'cancelled' | 'superseded' };

/** Applies a partner's event; another partner's event for an owned booking throws NotOwnerError (dead-lettered). */
export async function applyBookingChange(
  bookingId: string,
  ref: BookingEventRef,
  change: BookingChange,
  invocation: Invocation,
): Promise<EventResult> {
  // Refuse a stage that could not publish before the head changes for good.
  checkPublishingSettings();
  const outcome = await applyToHead(bookingId, ref, change);
  assertApplicable(outcome, bookingId, ref.owner);
  if (outcome.kind === 'applied') return { kind: 'applied', ...(await fileAndAnnounce(outcome.item, invocation)) };
  if (outcome.kind === 'stale' || outcome.kind === 'cancelled') return { kind: 'ignored', reason: outcome.kind };
  // A redelivery (not_owner was thrown above): repeat the effects from the head, unless it moved on meanwhile.
  const head = await readHead(bookingId);
  if (!head || !headReflects(head, ref)) return { kind: 'ignored', reason: 'superseded' };
  return { kind: 'redelivered', ...(await fileAndAnnounce(head, invocation)) };
}

export type OperatorResult =
  | { kind: 'saved'; created: boolean; entry: StoredEntry; calendarUrl: string }
  | { kind: 'not_owner'; owner: string }
  | { kind: 'cancelled' };

/** The operator's POST: the entry as given, answered once the public JSON shows it, announced like a change. */
export async function saveOperatorEntry(entry: CalendarEntry, invocation: Invocation): Promise<OperatorResult> {
  checkPublishingSettings();
  const written = await writeOperatorEntry(entry);
  if (written.kind !== 'saved') return written;
  const announced = await fileAndAnnounce(written.head, invocation);
  const stored = entryOf(written.head);
  if (!stored || !announced.update) throw new Error(`booking ${entry.booking_id}: a live entry was saved unfiled`);
  return { kind: 'saved', created: written.created, entry: stored, calendarUrl: announced.update.calendar_url };
}
