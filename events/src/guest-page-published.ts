import { z } from 'zod';
import { BookingId, SchemaVersion1, Slug } from './primitives';

export const GuestPagePublished = z
  .object({
    schema_version: SchemaVersion1,
    booking_id: BookingId,
    slug: Slug,
    url: z.url({ error: 'must be a URL' }),
  })
  .meta({ title: 'GuestPagePublished', description: "The booking's guest page is live at url." });
export type GuestPagePublished = z.infer<typeof GuestPagePublished>;
