import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BookingCreated, type BookingCreatedInput } from '@charter/events';

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
