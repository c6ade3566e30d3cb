import type * as z from './zod';
import { BookingCreated } from './booking-created';
import { BookingCancelled, BookingUpdated } from './booking-lifecycle';
import { CalendarUpdated } from './calendar-updated';
import { CrewNotified } from './crew-notified';
import { EventCreated } from './event-created';
import { CrewConfirmed, CrewDeclined, CrewResendRequested, EventCancelled, EventUpdated } from './event-lifecycle';
import { GuestPagePublished } from './guest-page-published';
import { PartnerRequestRefused } from './partner-request-refused';

/**
 * Every detail-type on the bus, its schema and who publishes it. The source of a booking event is
 * `partner.<name>`; every other source is fixed, so publishers cannot get it wrong.
 */
export const eventCatalog = {
  BookingCreated: { schema: BookingCreated, source: 'partner.*', publishedBy: 'partners / bus intake' },
  BookingUpdated: { schema: BookingUpdated, source: 'partner.*', publishedBy: 'partners / bus intake' },
  BookingCancelled: { schema: BookingCancelled, source: 'partner.*', publishedBy: 'partners / bus intake' },
  GuestPagePublished: { schema: GuestPagePublished, source: 'charter.guest-pages', publishedBy: 'guest-pages' },
  EventCreated: { schema: EventCreated, source: 'charter.scc', publishedBy: 'scc' },
  EventUpdated: { schema: EventUpdated, source: 'charter.scc', publishedBy: 'scc' },
  EventCancelled: { schema: EventCancelled, source: 'charter.scc', publishedBy: 'scc' },
  CrewConfirmed: { schema: CrewConfirmed, source: 'charter.scc', publishedBy: 'scc (crew page)' },
  CrewDeclined: { schema: CrewDeclined, source: 'charter.scc', publishedBy: 'scc (crew page)' },
  CrewResendRequested: { schema: CrewResendRequested, source: 'charter.scc', publishedBy: 'scc (operator route)' },
  CalendarUpdated: { schema: CalendarUpdated, source: 'charter.calendar', publishedBy: 'calendar' },
  CrewNotified: { schema: CrewNotified, source: 'charter.notifications', publishedBy: 'notifications' },
  PartnerRequestRefused: { schema: PartnerRequestRefused, source: 'charter.bus', publishedBy: 'bus intake' },
} as const;

export type DetailType = keyof typeof eventCatalog;
export type DetailOf<T extends DetailType> = z.infer<(typeof eventCatalog)[T]['schema']>;
export type DetailInputOf<T extends DetailType> = z.input<(typeof eventCatalog)[T]['schema']>;

/** What partners publish (source `partner.<name>`); every other detail-type is one of ours. */
export const bookingDetailTypes = ['BookingCreated', 'BookingUpdated', 'BookingCancelled'] as const;
export type BookingDetailType = (typeof bookingDetailTypes)[number];
export type ServiceDetailType = Exclude<DetailType, BookingDetailType>;

export const detailTypes = Object.keys(eventCatalog) as DetailType[];

export function isDetailType(value: string): value is DetailType {
  return Object.prototype.hasOwnProperty.call(eventCatalog, value);
}

export const PARTNER_SOURCE_PREFIX = 'partner.';
export const partnerSource = (partner: string) => `${PARTNER_SOURCE_PREFIX}${partner}`;
