import { z } from 'zod';
import { BookingId, SchemaVersion1 } from './primitives';

export const CalendarUpdated = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    year: z.number().int().min(2000).max(2100),
    calendar_url: z.url({ error: 'must be a URL' }),
  })
  .meta({
    title: 'CalendarUpdated',
    description: 'The public calendar JSON for year is in the bucket and already contains the booking.',
  });
export type CalendarUpdated = z.infer<typeof CalendarUpdated>;
