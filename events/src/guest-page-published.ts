import * as z from './zod';
import { BookingId, Revision, SchemaVersion1, Slug } from './primitives';

export const GuestPagePublished = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    revision: z._default(Revision, 1).check(z.meta({ description: 'The booking revision the page now shows' })),
    status: z._default(z.enum(['live', 'cancelled']), 'live'),
    slug: Slug,
    url: z.url({ error: 'must be a URL' }),
  })
  .check(z.meta({ title: 'GuestPagePublished', description: "The booking's guest page is live at url." }));
export type GuestPagePublished = z.infer<typeof GuestPagePublished>;
