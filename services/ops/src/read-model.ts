import { setting } from './config';
import type { DateRange } from './domain/range';
import { deriveStatus, type BookingStatus } from './domain/status';
import { describeEntry, timelineSteps, type TimelineStep } from './domain/timeline';
import { headsInRange, readTimeline } from './store/timeline';

/** What the console reads: statuses derived at read time from the stored timelines. */
const settings = (now: Date) => ({ now, stepMinutes: setting('STEP_MINUTES') });

/** At most this many timelines are read at once: one Query each. */
const PARALLEL_READS = 8;

export interface CharterRow extends BookingStatus {
  charter_date: string;
  /** The booking has more timeline entries than one read takes: its status is derived from the oldest and newest. */
  truncated: boolean;
}

/**
 * The charters in the range, by date and start time, each with its status and readiness. A booking is listed on its
 * owner's head only: another partner's event for it (refused everywhere as not_owner) has a head of its own, on
 * whatever date it named, and whichever reached ops first, the owner is the one the status names.
 */
export async function chartersIn(range: DateRange, now: Date): Promise<CharterRow[]> {
  const heads = await headsInRange(range);
  const ids = [...new Set(heads.map((h) => h.booking_id))];
  const rows: CharterRow[] = [];
  for (let i = 0; i < ids.length; i += PARALLEL_READS) {
    const batch = ids.slice(i, i + PARALLEL_READS);
    const timelines = await Promise.all(batch.map((id) => readTimeline(id)));
    batch.forEach((id, j) => {
      const { entries, truncated } = timelines[j]!;
      const status = deriveStatus(id, entries, settings(now));
      const own = heads.find((h) => h.booking_id === id && h.partner === status.owner);
      if (own) rows.push({ ...status, charter_date: own.charter_date, truncated });
    });
  }
  const start = (row: CharterRow) => row.booking?.charter_start ?? '';
  return rows.sort((a, b) => a.charter_date.localeCompare(b.charter_date) || start(a).localeCompare(start(b)));
}

export interface BookingView {
  status: BookingStatus;
  /** Each step once, in the order things happened, with every event id that told it. */
  timeline: Array<TimelineStep & { text: string }>;
  /** More entries than one read takes: the timeline and the status are of the oldest and the newest only. */
  truncated: boolean;
}

/** One booking's status and its timeline in order, each entry with its line of text; undefined when unknown here. */
export async function bookingView(bookingId: string, now: Date): Promise<BookingView | undefined> {
  const { entries, truncated } = await readTimeline(bookingId);
  if (entries.length === 0) return undefined;
  return {
    status: deriveStatus(bookingId, entries, settings(now)),
    timeline: timelineSteps(entries).map((step) => ({ ...step, text: describeEntry(step) })),
    truncated,
  };
}
