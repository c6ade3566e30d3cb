import {
  PARTNER_SOURCE_PREFIX,
  type BookingCancelled,
  type BookingCreated,
  type CalendarUpdated,
  type CrewConfirmed,
  type CrewDeclined,
  type CrewMember,
  type CrewNotified,
  type DetailOf,
  type DetailType,
  type EventCancelled,
  type EventCreated,
  type EventUpdated,
  type GuestPagePublished,
} from '@charter/events';

/**
 * A booking's timeline: one entry per thing that happened to it, whichever service says so. An entry's id is the
 * EventBridge event id (a dead letter's, the id of the event it holds), so a duplicate delivery writes the same entry
 * again. What an entry keeps is what the console shows: no money, no guest contact details, no notes.
 */

/** The booking as a partner's event describes it, without money, guest contact details or notes. */
export interface BookingFacts {
  partner: string;
  charter_date: string;
  charter_start: string;
  charter_end: string;
  timezone: string;
  guest_count: number;
  guest_name: string;
  vessel: string;
  location: string;
}

/** A crew event as scc describes it (crew-safe already; the member's address is for naming a bounce). */
export interface CrewEventFacts {
  event_id: string;
  version: number;
  charter_date: string;
  charter_start: string;
  charter_end: string;
  crew: CrewMember[];
}

export type EmailOutcome = 'delivered' | 'bounced' | 'complained' | 'rejected';

export interface EmailFacts {
  message_id: string;
  outcome: EmailOutcome;
  /** The addresses this outcome is about (a bounce names the ones that bounced). */
  recipients: string[];
  /** The notice kind the crew email was tagged with (`crew-call`...), when it was. */
  tag_kind?: string;
  /** Bounce type and the receiving server's words, a complaint's type, a rejection's reason. */
  detail?: string;
}

export interface DeadLetterFacts {
  /** The service whose queue holds it, e.g. `calendar`. */
  service: string;
  /** The queue, `charter-<service>-dlq-<stage>` (absent in entries written before it was kept). */
  queue?: string;
  function_name: string;
  error_type: string;
  reason: string;
  /** `not_owner` when the service refused another partner's event; otherwise absent. */
  code?: 'not_owner';
  /** The event it holds, when it holds one. */
  event?: { id: string; detail_type: string; source: string; revision?: number };
}

/** What each kind of entry keeps. */
export interface EntryFacts {
  BookingCreated: BookingFacts;
  BookingUpdated: BookingFacts;
  /** Not the partner's `reason`: free text that may hold money or the guest's contact details (the contract scrubs it
   * before crew see it; the read model keeps none of it). */
  BookingCancelled: Pick<BookingCancelled, 'cancelled_at' | 'cancelled_by'> & { partner: string };
  GuestPagePublished: Pick<GuestPagePublished, 'status' | 'url'>;
  EventCreated: CrewEventFacts;
  EventUpdated: CrewEventFacts &
    Pick<EventUpdated, 'cause' | 'changes' | 'crew_added' | 'confirmations_cleared'> & { crew_removed: string[] };
  EventCancelled: CrewEventFacts;
  CrewConfirmed: Pick<CrewConfirmed, 'event_id' | 'member_id' | 'version'>;
  CrewDeclined: Pick<CrewDeclined, 'event_id' | 'member_id' | 'version' | 'reason'>;
  CalendarUpdated: Pick<CalendarUpdated, 'status' | 'year' | 'calendar_url'>;
  CrewNotified: Pick<CrewNotified, 'event_id' | 'kind' | 'recipients'>;
  Email: EmailFacts;
  DeadLetter: DeadLetterFacts;
}

export type EntryKind = keyof EntryFacts;

interface EntryBase {
  /** The EventBridge event id; for a dead letter `dlq:<service>:<id of the event it holds>`. */
  id: string;
  booking_id: string;
  /** When it happened, ISO 8601 to the millisecond (the bus stamps events to the second). */
  at: string;
  /** The partner (`boatsetter`) or our service (`scc`, `ses` for SES) that says it happened. */
  service: string;
  /** The booking revision it is about, when it says. */
  revision?: number;
}

export type TimelineEntry = { [K in EntryKind]: EntryBase & { kind: K; facts: EntryFacts[K] } }[EntryKind];
export type EntryOf<K extends EntryKind> = Extract<TimelineEntry, { kind: K }>;

/** The bus event fields an entry needs (Powertools' parsed envelope has more). */
export interface Envelope {
  id: string;
  source: string;
  time: string | Date;
}

/** `partner.boatsetter` -> `boatsetter`, `charter.scc` -> `scc`, `aws.ses` -> `ses`. */
export const serviceOf = (source: string) => source.slice(source.indexOf('.') + 1);

export const isPartnerSource = (source: string) => source.startsWith(PARTNER_SOURCE_PREFIX);

/** Every instant as `toISOString` writes it, so entries sort as text in time order. */
export const instant = (value: string | Date) => new Date(value).toISOString();

/**
 * When a bus event happened, as far as ops can trust it: its envelope `time`, but never later than when ops received
 * it. A partner sets `Time` itself in PutEvents; an event stamped 2099 would otherwise keep that partner "publishing"
 * and its booking's steps "pending" forever. Our events and the bus's own stamps are never later than their receipt,
 * so for them this is the envelope time and a redelivery writes the same entry; a future-stamped event received twice
 * is two items of one id, which the timeline reads as one (`orderTimeline`).
 */
export const happenedAt = (time: string | Date, receivedAt: Date) =>
  instant(new Date(Math.min(new Date(time).getTime(), receivedAt.getTime())));

const bookingFacts = (detail: BookingCreated, partner: string): BookingFacts => ({
  partner,
  charter_date: detail.charter_date,
  charter_start: detail.charter_start,
  charter_end: detail.charter_end,
  timezone: detail.timezone,
  guest_count: detail.guest_count,
  guest_name: detail.guest.name,
  vessel: detail.vessel,
  location: detail.location,
});

const crewEventFacts = (detail: EventCreated | EventUpdated | EventCancelled): CrewEventFacts => ({
  event_id: detail.event_id,
  version: detail.version,
  charter_date: detail.charter_date,
  charter_start: detail.charter_start,
  charter_end: detail.charter_end,
  crew: detail.crew,
});

type FactsFrom = { [K in DetailType]?: (detail: DetailOf<K>, partner: string) => EntryFacts[EntryKind] };

/** What an entry keeps of each bus event it is made from. */
const FACTS: FactsFrom = {
  BookingCreated: bookingFacts,
  BookingUpdated: bookingFacts,
  BookingCancelled: (d, partner) => ({
    partner,
    cancelled_at: d.cancelled_at,
    ...(d.cancelled_by ? { cancelled_by: d.cancelled_by } : {}),
  }),
  GuestPagePublished: (d) => ({ status: d.status, url: d.url }),
  EventCreated: crewEventFacts,
  EventUpdated: (d) => ({
    ...crewEventFacts(d),
    cause: d.cause,
    changes: d.changes,
    crew_added: d.crew_added,
    crew_removed: d.crew_removed.map((m) => m.member_id),
    confirmations_cleared: d.confirmations_cleared,
  }),
  EventCancelled: crewEventFacts,
  CrewConfirmed: (d) => ({ event_id: d.event_id, member_id: d.member_id, version: d.version }),
  CrewDeclined: (d) => ({
    event_id: d.event_id,
    member_id: d.member_id,
    version: d.version,
    ...(d.reason ? { reason: d.reason } : {}),
  }),
  CalendarUpdated: (d) => ({ status: d.status, year: d.year, calendar_url: d.calendar_url }),
  CrewNotified: (d) => ({ event_id: d.event_id, kind: d.kind, recipients: d.recipients }),
};

/** The detail-types that become a booking's timeline entry (PartnerRequestRefused is a partner's, not a booking's). */
export type TimelineDetailType = Extract<DetailType, EntryKind>;
export const isTimelineDetailType = (detailType: DetailType): detailType is TimelineDetailType =>
  FACTS[detailType] !== undefined;

/** The timeline entry of one bus event, received by ops at `receivedAt`. */
export function entryFromBusEvent<T extends TimelineDetailType>(
  detailType: T,
  detail: DetailOf<T> & { booking_id: string },
  envelope: Envelope,
  receivedAt: Date,
): TimelineEntry {
  const service = serviceOf(envelope.source);
  const facts = (FACTS[detailType] as (d: DetailOf<T>, partner: string) => EntryFacts[T])(detail, service);
  const revision = (detail as { revision?: number }).revision;
  return {
    id: envelope.id,
    booking_id: detail.booking_id,
    at: happenedAt(envelope.time, receivedAt),
    service,
    ...(revision !== undefined ? { revision } : {}),
    kind: detailType,
    facts,
  } as TimelineEntry;
}

/**
 * Within one instant, what happened first in the system: a booking event, then what the services did with it, then
 * the crew notice, then what came of it. The bus stamps to the second, so a booking and its page share instants.
 */
const RANK: Record<EntryKind, number> = {
  BookingCreated: 0,
  BookingUpdated: 0,
  BookingCancelled: 0,
  GuestPagePublished: 1,
  EventCreated: 1,
  EventUpdated: 1,
  EventCancelled: 1,
  CalendarUpdated: 1,
  DeadLetter: 2,
  CrewNotified: 3,
  Email: 4,
  CrewConfirmed: 5,
  CrewDeclined: 5,
};

/**
 * The timeline in the order things happened: by instant, then revision, then the step's place in the flow, then kind
 * and id.
 * It depends on the entries only, never on the order they arrived in.
 */
export function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const revision = (a.revision ?? Infinity) - (b.revision ?? Infinity);
  if (revision) return revision;
  const rank = RANK[a.kind] - RANK[b.kind];
  if (rank) return rank;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** One entry per id (a duplicate delivery is the same entry), in the order things happened. */
export function orderTimeline(entries: readonly TimelineEntry[]): TimelineEntry[] {
  const byId = new Map<string, TimelineEntry>();
  for (const entry of entries) byId.set(entry.id, entry);
  return [...byId.values()].sort(compareEntries);
}

/**
 * What makes two entries the same step. A service that receives a booking event again repeats its idempotent effects
 * and publishes its success event again, with the same content and a new event id: the same step, said twice.
 */
function stepKey(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'BookingCreated':
    case 'BookingUpdated':
    case 'BookingCancelled':
      return `${entry.kind}|${entry.facts.partner}|${entry.revision}`;
    case 'GuestPagePublished':
    case 'CalendarUpdated':
      return `${entry.kind}|${entry.revision}|${entry.facts.status}`;
    case 'EventCreated':
    case 'EventUpdated':
    case 'EventCancelled':
      return `${entry.kind}|${entry.facts.event_id}|${entry.facts.version}`;
    case 'CrewConfirmed':
    case 'CrewDeclined':
      return `${entry.kind}|${entry.facts.member_id}|${entry.facts.version}`;
    case 'CrewNotified': {
      const members = entry.facts.recipients.map((r) => r.member_id).join();
      return `${entry.kind}|${entry.facts.kind}|${entry.revision}|${members}`;
    }
    case 'Email':
      return `${entry.kind}|${entry.facts.message_id}|${entry.facts.outcome}|${entry.facts.recipients.join()}`;
    case 'DeadLetter':
      return `${entry.kind}|${entry.id}`;
  }
}

export type TimelineStep = TimelineEntry & {
  /** Every event that said this step happened (the first is the entry's own), in the order they happened. */
  event_ids: string[];
};

/** The timeline as steps: each step once, at its first telling, in the order things happened. */
export function timelineSteps(entries: readonly TimelineEntry[]): TimelineStep[] {
  const steps = new Map<string, TimelineStep>();
  for (const entry of orderTimeline(entries)) {
    const key = stepKey(entry);
    const step = steps.get(key);
    if (step) step.event_ids.push(entry.id);
    else steps.set(key, { ...entry, event_ids: [entry.id] });
  }
  return [...steps.values()];
}

/** "2027-05-30 10:00-13:00, 4 guests". */
const plan = (f: BookingFacts) => `${f.charter_date} ${f.charter_start}-${f.charter_end}, ${f.guest_count} guests`;
/** ": <text>" when there is text. */
const saying = (text: string | undefined) => (text ? `: ${text}` : '');

/** One line a person reads in the console for each entry. */
export function describeEntry(entry: TimelineEntry): string {
  const rev = entry.revision !== undefined ? ` (revision ${entry.revision})` : '';
  switch (entry.kind) {
    case 'BookingCreated':
      return `Booked by ${entry.facts.partner}${rev}: ${plan(entry.facts)}`;
    case 'BookingUpdated':
      return `Changed by ${entry.facts.partner}${rev}: ${plan(entry.facts)}`;
    case 'BookingCancelled':
      return `Cancelled by ${entry.facts.cancelled_by ?? entry.facts.partner}${rev}`;
    case 'GuestPagePublished':
      return entry.facts.status === 'cancelled' ? `Guest page says cancelled${rev}` : `Guest page live${rev}`;
    case 'EventCreated':
      return `Crew event created${rev} with ${entry.facts.crew.map((m) => m.name).join(', ')}`;
    case 'EventUpdated': {
      const changed = entry.facts.changes.map((c) => `${c.field} ${c.from} -> ${c.to}`);
      const crew = [...entry.facts.crew_added.map((id) => `+${id}`), ...entry.facts.crew_removed.map((id) => `-${id}`)];
      const what = [...changed, ...crew].join(', ') || 'no crew-visible change';
      return `Crew event updated${rev}: ${what}${entry.facts.confirmations_cleared ? '; crew must confirm again' : ''}`;
    }
    case 'EventCancelled':
      return `Crew event cancelled${rev}`;
    case 'CrewConfirmed':
      return `${entry.facts.member_id} confirmed${rev}`;
    case 'CrewDeclined':
      return `${entry.facts.member_id} declined${rev}${saying(entry.facts.reason)}`;
    case 'CalendarUpdated':
      return `Calendar entry ${entry.facts.status}${rev}`;
    case 'CrewNotified': {
      const to = entry.facts.recipients.map((r) => r.member_id).join(', ');
      return `Crew ${entry.facts.kind} notice sent${rev} to ${to}`;
    }
    case 'Email': {
      const detail = entry.facts.detail ? ` (${entry.facts.detail})` : '';
      return `Email ${entry.facts.outcome}: ${entry.facts.recipients.join(', ')}${detail}`;
    }
    case 'DeadLetter': {
      const what = entry.facts.event?.detail_type ?? 'an event';
      return `${entry.facts.service} could not process ${what}${saying(entry.facts.reason)}`;
    }
  }
}
