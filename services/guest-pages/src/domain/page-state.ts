import type { BookingCreated, BookingUpdated } from '@charter/events';
import type { Lifecycle, RevisionHead } from '@charter/shared/booking-revision';
import {
  NO_PRIVATE_FACTS,
  mergePrivateFacts,
  privateFactsOf,
  safeFirstName,
  scrubField,
  type PrivateFacts,
} from '@charter/shared/redaction';
import type { CharterTimes } from '@charter/shared/time';

/**
 * What the guest-pages item keeps of a booking: exactly what its page shows (the guest's first name, which the page
 * greets, and nothing else of the guest; no contact details, notes or money), so a page is always rendered from the
 * item, never from the event that happened to arrive.
 */
export interface PageFacts extends CharterTimes {
  booking_id: string;
  guest_first_name: string;
  guest_count: number;
  vessel: string;
  location: string;
}

/**
 * "Dana Whitfield" -> "Dana": the page greets the guest the way a crew member would; "there" when the name is a
 * contact detail (a partner that put the email address in the name).
 */
export const firstName = (name: string, facts: PrivateFacts = NO_PRIVATE_FACTS) =>
  safeFirstName(name, facts) ?? 'there';

/** The schema's lengths of the free-text fields the page shows. */
const MAX_VESSEL = 100;
const MAX_LOCATION = 200;

/**
 * The page facts of a booking as it stands (a BookingCreated or BookingUpdated detail). The vessel and location are
 * partner text: scrubbed of money and contact details against the booking's own amounts and guest contacts.
 */
export function pageFactsOf(booking: BookingCreated | BookingUpdated): PageFacts {
  const facts = privateFactsOf(booking);
  return {
    booking_id: booking.booking_id,
    guest_first_name: firstName(booking.guest.name, facts),
    guest_count: booking.guest_count,
    vessel: scrubField(booking.vessel, facts, MAX_VESSEL),
    location: scrubField(booking.location, facts, MAX_LOCATION),
    charter_date: booking.charter_date,
    charter_start: booking.charter_start,
    charter_end: booking.charter_end,
    timezone: booking.timezone,
  };
}

/**
 * The item's `redaction`: every revision's private facts (amounts, guest contacts) as one DynamoDB string set, which
 * each booking event's guarded UpdateItem adds to (`ADD`: a union, so a redelivery or a repeated value adds nothing).
 * A page is scrubbed against all of them: a revision that drops its amounts must not let its location show the
 * earlier ones ("Shelter Island, charter was 1450"). Server-side only: no page, route or event carries it.
 */
export function redactionEntries(booking: BookingCreated | BookingUpdated): string[] {
  const { amounts, emails, phones } = privateFactsOf(booking);
  return [
    ...amounts.map((a) => `amount:${a.revenue_cents ?? ''}/${a.captain_fee_cents ?? ''}`),
    ...emails.map((email) => `email:${email}`),
    ...phones.map((phone) => `phone:${phone}`),
  ];
}

/** The private facts an item's `redaction` holds (none on an item written before it existed). */
export function redactionOf(item: Pick<GuestPageItem, 'redaction'>): PrivateFacts {
  const facts: PrivateFacts = { amounts: [], emails: [], phones: [] };
  for (const entry of item.redaction ?? []) {
    const colon = entry.indexOf(':');
    const [kind, value] = [entry.slice(0, colon), entry.slice(colon + 1)];
    if (kind === 'email') facts.emails.push(value);
    else if (kind === 'phone') facts.phones.push(value);
    else if (kind === 'amount') {
      const [revenue = '', fee = ''] = value.split('/');
      facts.amounts.push({
        ...(revenue ? { revenue_cents: Number(revenue) } : {}),
        ...(fee ? { captain_fee_cents: Number(fee) } : {}),
      });
    }
  }
  return mergePrivateFacts(facts);
}

/** What a page shows: the booking, live (with the upload widget) or cancelled (saying when). */
export type PageView = PageFacts & ({ status: 'live' } | { status: 'cancelled'; cancelled_at: string });

/** The booking's item in the guest-pages table, as `applyBookingEvent` leaves it. */
export interface GuestPageItem extends RevisionHead, Partial<PageFacts> {
  booking_id: string;
  /** Kept from the first live event (`if_not_exists`); none on a tombstone. */
  slug?: string;
  cancelled_at?: string;
  /** The page last seen stored in S3 (recorded after its put): what the guest's link shows. */
  page_stored?: { revision: number; lifecycle: Lifecycle };
  /** Written by every booking event since `page_stored` exists: without it, the item may predate the record. */
  records_page_stored?: boolean;
  created_at: string;
  updated_at: string;
  /** Every revision's private facts (`redactionEntries`), never shown: what a page is scrubbed against. */
  redaction?: Set<string>;
  /** Uploads presigned so far, and the bytes they may carry (the quota's counters). */
  upload_files?: number;
  upload_bytes?: number;
}

/** What the item asks of the service: a page to (re)render, or none. */
export type PageDecision =
  | { kind: 'render'; slug: string; revision: number; status: Lifecycle; view: PageView }
  /** Cancelled before any live event: no page is ever made for it. */
  | { kind: 'tombstone' }
  /** An item written before v2 kept only the charter times: a redelivered BookingCreated or a change fills it in. */
  | { kind: 'no_facts' };

const FACT_KEYS = [
  'guest_first_name',
  'guest_count',
  'vessel',
  'location',
  'charter_date',
  'charter_start',
  'charter_end',
  'timezone',
] as const satisfies readonly (keyof PageFacts)[];

export function pageDecision(item: GuestPageItem): PageDecision {
  if (!item.slug) return { kind: 'tombstone' };
  if (FACT_KEYS.some((key) => item[key] === undefined)) return { kind: 'no_facts' };
  const stored = Object.fromEntries([
    ['booking_id', item.booking_id],
    ...FACT_KEYS.map((k) => [k, item[k]]),
  ]) as PageFacts;
  // Scrubbed when stored against the revision's own facts; again on the way out against every revision's, so neither an
  // earlier revision's amounts nor an item written before a rule existed can show what they catch.
  const redaction = redactionOf(item);
  const facts: PageFacts = {
    ...stored,
    guest_first_name: firstName(stored.guest_first_name, redaction),
    vessel: scrubField(stored.vessel, redaction, MAX_VESSEL),
    location: scrubField(stored.location, redaction, MAX_LOCATION),
  };
  const status: Lifecycle = item.lifecycle ?? 'live';
  const view: PageView =
    status === 'cancelled'
      ? { ...facts, status, cancelled_at: item.cancelled_at ?? item.updated_at }
      : { ...facts, status };
  return { kind: 'render', slug: item.slug, revision: item.revision ?? 1, status, view };
}

/** The charter times presign's window needs, when the item has them (a tombstone or a v1 remnant may not). */
export function charterTimesOf(item: GuestPageItem): CharterTimes | undefined {
  const { charter_date, charter_start, charter_end, timezone } = item;
  if (!charter_date || !charter_start || !charter_end || !timezone) return undefined;
  return { charter_date, charter_start, charter_end, timezone };
}

/** Has the head moved since a page was rendered from it (a newer revision, or the cancellation)? */
export const headMoved = (rendered: RevisionHead, now: RevisionHead | undefined) =>
  now?.revision !== rendered.revision || now?.lifecycle !== rendered.lifecycle;
