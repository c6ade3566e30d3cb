import { setting } from './config';
import type { DateRange } from './domain/range';
import { deriveStatus, type BookingStatus } from './domain/status';
import { describeEntry, timelineSteps, type TimelineStep } from './domain/timeline';
import { bookingsInRange, readTimeline } from './store/timeline';

/** What the console reads: statuses derived at read time from the stored timelines. */
const settings = (now: Date) => ({ now, stepMinutes: setting('STEP_MINUTES') });

/** At most this many timelines are read at once: one Query each. */
const PARALLEL_READS = 8;

export interface CharterRow extends BookingStatus {
  charter_date: string;
}

/** The charters in the range, by date and start time, each with its status and readiness. */
export async function chartersIn(range: DateRange, now: Date): Promise<CharterRow[]> {
  const heads = await bookingsInRange(range);
  const rows: CharterRow[] = [];
  for (let i = 0; i < heads.length; i += PARALLEL_READS) {
    const batch = heads.slice(i, i + PARALLEL_READS);
    const timelines = await Promise.all(batch.map((h) => readTimeline(h.booking_id)));
    batch.forEach((head, j) => {
      rows.push({ ...deriveStatus(head.booking_id, timelines[j]!, settings(now)), charter_date: head.charter_date });
    });
  }
  const start = (row: CharterRow) => row.booking?.charter_start ?? '';
  return rows.sort((a, b) => a.charter_date.localeCompare(b.charter_date) || start(a).localeCompare(start(b)));
}

export interface BookingView {
  status: BookingStatus;
  /** Each step once, in the order things happened, with every event id that told it. */
  timeline: Array<TimelineStep & { text: string }>;
}

/** One booking's status and its timeline in order, each entry with its line of text; undefined when unknown here. */
export async function bookingView(bookingId: string, now: Date): Promise<BookingView | undefined> {
  const entries = await readTimeline(bookingId);
  if (entries.length === 0) return undefined;
  return {
    status: deriveStatus(bookingId, entries, settings(now)),
    timeline: timelineSteps(entries).map((step) => ({ ...step, text: describeEntry(step) })),
  };
}
