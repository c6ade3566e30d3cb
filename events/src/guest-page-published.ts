import { z } from 'zod';
import { BookingId, Revision, SchemaVersion1, Slug } from './primitives';

export const GuestPagePublished = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    revision: Revision.default(1).meta({ description: 'The booking revision the page now shows' }),
    status: z.enum(['live', 'cancelled']).default('live'),
    slug: Slug,
    url: z.url({ error: 'must be a URL' }),
  })
  .meta({ title: 'GuestPagePublished', description: "The booking's guest page is live at url." });
export type GuestPagePublished = z.infer<typeof GuestPagePublished>;
