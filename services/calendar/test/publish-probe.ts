import { readCalendarObject } from './support';

/**
 * A stand-in for @charter/shared/publisher that, before each real publish, reads the calendar
 * object from the bucket at that moment and records whether the announced booking is in it:
 * the proof that CalendarUpdated never runs ahead of the JSON. Use with
 * `jest.mock('@charter/shared/publisher', () => jest.requireActual('./publish-probe').probingPublisher())`.
 */
export const publishedWhile: Array<{ booking_id: string; year: number; inBucket: boolean }> = [];
let bucket = '';
export const probeBucket = (name: string) => {
  bucket = name;
};

export function probingPublisher() {
  const actual = jest.requireActual<typeof import('@charter/shared/publisher')>('@charter/shared/publisher');
  const publish: typeof actual.publish = async (detailType, detail) => {
    const { booking_id, year } = detail as { booking_id: string; year: number };
    const file = await readCalendarObject(bucket, year);
    const inBucket = Boolean(file?.calendar.entries.some((e) => e.booking_id === booking_id));
    publishedWhile.push({ booking_id, year, inBucket });
    return actual.publish(detailType, detail);
  };
  return { ...actual, publish };
}
