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
  const actual = jest.requireActual('@charter/shared/publisher');
  return {
    ...actual,
    publish: async (detailType: string, detail: { booking_id: string; year: number }) => {
      const file = await readCalendarObject(bucket, detail.year);
      const inBucket = Boolean(file?.calendar.entries.some((e) => e.booking_id === detail.booking_id));
      publishedWhile.push({ booking_id: detail.booking_id, year: detail.year, inBucket });
      return actual.publish(detailType, detail);
    },
  };
}
