import type { z } from 'zod';
import { BookingCreated } from './booking-created';
import { CalendarUpdated } from './calendar-updated';
import { CrewNotified } from './crew-notified';
import { EventCreated } from './event-created';
import { GuestPagePublished } from './guest-page-published';

/**
 * Every detail-type on the bus, its schema and who publishes it. The source of a booking is
 * `partner.<name>`; every other source is fixed, so publishers cannot get it wrong.
 */
export const eventCatalog = {
  BookingCreated: { schema: BookingCreated, source: 'partner.*', publishedBy: 'partners / bus intake' },
  GuestPagePublished: { schema: GuestPagePublished, source: 'charter.guest-pages', publishedBy: 'guest-pages' },
  EventCreated: { schema: EventCreated, source: 'charter.scc', publishedBy: 'scc' },
  CalendarUpdated: { schema: CalendarUpdated, source: 'charter.calendar', publishedBy: 'calendar' },
  CrewNotified: { schema: CrewNotified, source: 'charter.notifications', publishedBy: 'notifications' },
} as const;

export type DetailType = keyof typeof eventCatalog;
export type DetailOf<T extends DetailType> = z.infer<(typeof eventCatalog)[T]['schema']>;
export type DetailInputOf<T extends DetailType> = z.input<(typeof eventCatalog)[T]['schema']>;
export type ServiceDetailType = Exclude<DetailType, 'BookingCreated'>;

export const detailTypes = Object.keys(eventCatalog) as DetailType[];

export function isDetailType(value: string): value is DetailType {
  return Object.prototype.hasOwnProperty.call(eventCatalog, value);
}

export const PARTNER_SOURCE_PREFIX = 'partner.';
export const partnerSource = (partner: string) => `${PARTNER_SOURCE_PREFIX}${partner}`;
