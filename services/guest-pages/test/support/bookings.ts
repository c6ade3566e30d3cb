import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BookingCreated, type BookingCreatedInput } from '@charter/events';
import { pageFactsOf, type PageView } from '../../src/domain/page-state';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'events', 'samples');

/** A sample booking from events/samples, parsed by the contract's schema, with overrides. */
export function sampleBooking(
  name = 'boatsetter-xhqgmdh',
  overrides: Partial<BookingCreatedInput> = {},
): BookingCreated {
  const raw = JSON.parse(readFileSync(join(SAMPLES, `${name}.json`), 'utf8')) as BookingCreatedInput;
  return BookingCreated.parse({ ...raw, ...overrides });
}

export const API_URL = 'https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com';
export const UPLOADS_URL = 'https://charter-guest-uploads-test.s3.us-west-2.amazonaws.com/';
export const TOKEN = 'k'.repeat(43);

/** The live page of a sample booking, as the item holds it. */
export const liveView = (...args: Parameters<typeof sampleBooking>): PageView => ({
  ...pageFactsOf(sampleBooking(...args)),
  status: 'live',
});

/** The page of a sample booking cancelled at `cancelledAt`. */
export const cancelledView = (cancelledAt: string, ...args: Parameters<typeof sampleBooking>): PageView => ({
  ...pageFactsOf(sampleBooking(...args)),
  status: 'cancelled',
  cancelled_at: cancelledAt,
});
