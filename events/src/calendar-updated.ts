import * as z from './zod';
import { BookingId, Revision, SchemaVersion1 } from './primitives';

export const CalendarStatus = z.enum(['booked', 'tentative', 'cancelled']);
export type CalendarStatus = z.infer<typeof CalendarStatus>;

export const CalendarUpdated = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    revision: z._default(Revision, 1).check(z.meta({ description: 'The booking revision the entry now reflects' })),
    status: z._default(CalendarStatus, 'booked'),
    year: z.number().check(z.int(), z.minimum(2000), z.maximum(2100)),
    calendar_url: z.url({ error: 'must be a URL' }),
  })
  .check(
    z.meta({
      title: 'CalendarUpdated',
      description: "The public calendar JSON for year is in the bucket and already shows the booking's revision.",
    }),
  );
export type CalendarUpdated = z.infer<typeof CalendarUpdated>;
export type CalendarUpdatedInput = z.input<typeof CalendarUpdated>;
