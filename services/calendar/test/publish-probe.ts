import type { CalendarUpdatedInput } from '@charter/events';
import type { PublicEntry } from '../src/domain/public-calendar';
import { readCalendarObject } from './support';

/**
 * A stand-in for @charter/shared/publisher that, before each real publish, reads the calendar
 * object from the bucket at that moment and records what it showed of the announced booking:
 * the proof that CalendarUpdated never runs ahead of the JSON (a booked revision is in it as
 * announced, a cancellation is no longer in it). Use with
 * `jest.mock('@charter/shared/publisher', () => jest.requireActual('./publish-probe').probingPublisher())`.
 */
export interface Probe {
  booking_id: string;
  year: number;
  revision: number;
  status: string;
  inBucket: boolean;
  /** The booking's entry in the JSON at that moment. */
  shown?: PublicEntry;
}
export const publishedWhile: Probe[] = [];
let bucket = '';
export const probeBucket = (name: string) => {
  bucket = name;
};

export function probingPublisher() {
  const actual = jest.requireActual<typeof import('@charter/shared/publisher')>('@charter/shared/publisher');
  const publish: typeof actual.publish = async (detailType, detail) => {
    const { booking_id, year, revision, status } = detail as CalendarUpdatedInput;
    const file = await readCalendarObject(bucket, year);
    const shown = file?.calendar.entries.find((e) => e.booking_id === booking_id);
    publishedWhile.push({
      booking_id,
      year,
      revision: revision ?? 1,
      status: status ?? 'booked',
      inBucket: Boolean(shown),
      ...(shown ? { shown } : {}),
    });
    return actual.publish(detailType, detail);
  };
  return { ...actual, publish };
}
