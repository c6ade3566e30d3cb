import { createHash } from 'node:crypto';
import {
  Cents,
  CrewMember,
  CrewSafeField,
  GuestCount,
  NonEmptyText,
  endAfterStart,
  type BookingCreated,
  type CancelledBy,
  type EventCancelled,
  type EventCreated,
  type EventUpdated,
} from '@charter/events';
import type { Lifecycle } from '@charter/shared/booking-revision';
import { charterScheduleFields } from '@charter/shared/charter-schedule';
import type { FieldIssue } from '@charter/shared/errors';
import { mergePrivateFacts, privateFactsOf, scrubField, scrubText, type PrivateFacts } from '@charter/shared/redaction';
import * as z from '@charter/events/zod';

/** Crew events are made for a crew of a boat; EventCreated allows at most 20. */
export const MAX_CREW = 20;

const uniqueMembers = (crew: CrewMember[], ctx: z.core.$RefinementCtx<CrewMember[]>) => {
  const seen = new Set<string>();
  crew.forEach((member, index) => {
    if (seen.has(member.member_id)) {
      ctx.addIssue({ code: 'custom', path: [index, 'member_id'], message: `${member.member_id} is listed twice` });
    }
    seen.add(member.member_id);
  });
};

export const Crew = z
  .array(CrewMember)
  .check(
    z.minLength(1, { error: 'must name at least one crew member' }),
    z.maxLength(MAX_CREW, { error: `must name at most ${MAX_CREW} crew members` }),
    z.superRefine(uniqueMembers),
  );

export const Notes = z.string().check(z.maxLength(4000, { error: 'must be at most 4000 characters' }));

/**
 * What a crew event holds about its charter: the crew-safe projection of a booking, which is
 * EventCreated's charter and crew plus the booking's notes once money has been removed. No guest
 * contact details and no money.
 */
export type CrewEventFields = Omit<EventCreated, 'schema_version' | 'event_id' | 'revision' | 'version'> &
  Pick<BookingCreated, 'notes'>;

/** A crew member's "I can't make it": when, and their own words for the captain. */
export interface Decline {
  at: string;
  reason?: string;
}

/** A cancelled booking, as crew are told: the reason scrubbed of money and contact details. */
export interface Cancellation {
  cancelled_at: string;
  cancelled_by?: CancelledBy;
  reason?: string;
}

/** A success event as published, kept on the item so a redelivery re-publishes the same content. */
export type PublishedEvent =
  | { detail_type: 'EventCreated'; detail: EventCreated }
  | { detail_type: 'EventUpdated'; detail: EventUpdated }
  | { detail_type: 'EventCancelled'; detail: EventCancelled };

/** The last crew-side change (a PATCH): the version it was based on and the EventUpdated it published. */
export interface CrewChange {
  based_on: number;
  detail: EventUpdated;
}

/** A stored crew event, as the service reads it. */
export interface CrewEvent extends CrewEventFields {
  event_id: EventCreated['event_id'];
  /** member_id -> ISO time of the member's first confirmation (of the current plan). */
  confirmations: Record<string, string>;
  /** member_id -> the member's decline (of the current plan); confirming again replaces it. */
  declines: Record<string, Decline>;
  /** The crew side's own notes (PATCH), money removed; a booking change never touches them. */
  crew_notes?: string;
  version: number;
  created_at: string;
  updated_at: string;
  /** The partner that owns the booking (`direct` for an event made by POST /events). */
  owner?: string;
  /** The booking revision the event reflects. */
  revision: number;
  /** The hash of that revision's booking event (the revision guard's): other content at that revision is refused. */
  content_hash?: string;
  lifecycle: Lifecycle;
  cancellation?: Cancellation;
  /** The success event of the booking revision applied last (EventCreated, EventUpdated or EventCancelled). */
  booking_event?: PublishedEvent;
  crew_change?: CrewChange;
  /** Members a PATCH took off the crew since the event was made (sorted ids); never shown, never published. */
  former_crew?: string[];
}

/**
 * The event id is derived from the booking id, so every delivery of a booking, however
 * concurrent, names the same event and the conditional writes in the store settle on one.
 */
export function eventIdFor(bookingId: string): string {
  return `evt_${createHash('sha256').update(bookingId, 'utf8').digest('base64url').slice(0, 22)}`;
}

export type CharterFields = Omit<CrewEventFields, 'notes' | 'crew'>;

/**
 * The charter's crew-safe fields, copied field by field (never by spreading the source), so a
 * field added to BookingCreated later cannot reach crew by accident.
 */
export const charterFieldsOf = (source: CharterFields): CharterFields => ({
  booking_id: source.booking_id,
  charter_date: source.charter_date,
  charter_start: source.charter_start,
  charter_end: source.charter_end,
  timezone: source.timezone,
  vessel: source.vessel,
  location: source.location,
  guest_count: source.guest_count,
});

/** What a booking says about its charter that crew may see: its fields and money-free notes, no crew. */
export type CharterProjection = Omit<CrewEventFields, 'crew'>;

/** The schema's lengths of the free-text fields crew see: a scrubbed field is cut to them. */
const MAX_VESSEL = 100;
const MAX_LOCATION = 200;

/**
 * The charter's fields as crew may see them: its free text (vessel, location, notes) without money or contact details,
 * scrubbed against the booking's private facts (its amounts, its guest's contacts).
 */
function scrubbedCharter(source: CharterFields & { notes?: string }, facts: PrivateFacts): CharterProjection {
  const notes = scrubText(source.notes, facts);
  return {
    ...charterFieldsOf(source),
    vessel: scrubField(source.vessel, facts, MAX_VESSEL),
    location: scrubField(source.location, facts, MAX_LOCATION),
    ...(notes === undefined ? {} : { notes }),
  };
}

/**
 * The charter of a booking, crew-safe: its fields and its notes without money or contact details. The booking's own
 * revenue, captain fee and guest contacts are used to find them however they are written ("Captain gets 300",
 * "DANA@EXAMPLE.COM"), with what earlier revisions named (`known`, kept with the crew event), then dropped.
 */
export function projectCharter(booking: BookingCreated, known?: PrivateFacts): CharterProjection {
  return scrubbedCharter(booking, mergePrivateFacts(privateFactsOf(booking), known));
}

/** The crew-safe projection of a booking with a copy of the crew: what a new crew event holds. */
export function projectBooking(booking: BookingCreated, crew: CrewMember[], known?: PrivateFacts): CrewEventFields {
  return { ...projectCharter(booking, known), crew: crew.map(copyMember) };
}

/** Exactly the crew-safe fields, whatever else the value carries: the store writes only these. */
export function crewSafeFields(fields: CrewEventFields): CrewEventFields {
  return {
    ...charterFieldsOf(fields),
    ...(fields.notes === undefined ? {} : { notes: fields.notes }),
    crew: fields.crew.map(copyMember),
  };
}

/** True when two events say the same about the charter (a repeated POST, not a different one). */
export function sameFields(a: CrewEventFields, b: CrewEventFields): boolean {
  return canonical(crewSafeFields(a)) === canonical(crewSafeFields(b));
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );

export const copyMember = (m: CrewMember): CrewMember => ({
  member_id: m.member_id,
  name: m.name,
  email: m.email,
  role: m.role,
});

/** The EventCreated detail: the projection without notes, and never a magic-link token. */
export function eventCreatedDetail(
  event: CrewEventFields & Pick<CrewEvent, 'event_id' | 'revision' | 'version'>,
): EventCreated {
  const { booking_id, ...charter } = charterFieldsOf(event);
  return {
    schema_version: 1,
    booking_id,
    event_id: event.event_id,
    revision: event.revision,
    version: event.version,
    ...charter,
    crew: event.crew.map(copyMember),
  };
}

/**
 * The success event of the booking revision the event reflects, as it was published; an event created before they
 * were kept on the item has its EventCreated made again.
 */
export const bookingEventOf = (event: CrewEvent): PublishedEvent =>
  event.booking_event ?? { detail_type: 'EventCreated', detail: eventCreatedDetail(event) };

/**
 * The booking's amounts, accepted by POST and PATCH only so that free text can be checked against them (a bare
 * "Captain gets 300"); kept with the event's private facts, never shown. A PATCH without them is checked against the
 * amounts the booking named.
 */
const redactionAmounts = {
  revenue_cents: z.optional(Cents),
  captain_fee_cents: z.optional(Cents),
};

/**
 * POST /events: the operator's manual path. Same fields as the projection; crew is optional
 * (the roster is used when absent). Other fields are dropped, not refused, so a caller that
 * sends a whole booking still gets a crew event without its money or guest details; its
 * revenue_cents, captain_fee_cents and guest's email and phone are used to scrub the free text, kept as the event's
 * private facts, and never shown.
 */
export const CreateEventRequest = z
  .object({
    ...charterScheduleFields,
    vessel: NonEmptyText(100),
    location: NonEmptyText(200),
    guest_count: GuestCount,
    notes: z.optional(Notes),
    crew: z.optional(Crew),
    ...redactionAmounts,
    guest: z.optional(
      z.object({
        email: z.optional(z.string().check(z.maxLength(320))),
        phone: z.optional(z.string().check(z.maxLength(64))),
      }),
    ),
  })
  .check(endAfterStart);
export type CreateEventRequest = z.infer<typeof CreateEventRequest>;

/** The crew-safe fields for a manual event: its free text scrubbed as a booking's is. */
export function projectRequest(request: CreateEventRequest, roster: CrewMember[]): CrewEventFields {
  return { ...scrubbedCharter(request, privateFactsOf(request)), crew: (request.crew ?? roster).map(copyMember) };
}

/** The fields a booking owns: a PATCH naming one is refused, since the page and calendar must change with it. */
const BOOKING_FIELDS = [...CrewSafeField.options, 'notes'] as const;

/**
 * The booking's fields a PATCH body names, each refused by name: they change with the booking (a BookingUpdated, which
 * the operator's own `direct` channel can send), so that the guest page, the crew event and the calendar never
 * disagree. `notes` are the booking's; the crew side's own notes are `crew_notes`.
 */
export function bookingFieldIssues(body: Record<string, unknown>): FieldIssue[] {
  return BOOKING_FIELDS.filter((field) => field in body).map((field) => ({
    path: field,
    message:
      `changes with the booking, not here: send a BookingUpdated with the whole booking and its next revision ` +
      `(the operator's own channel: PUT /partners/direct/bookings/{booking_id})` +
      (field === 'notes' ? "; the crew side's own notes are crew_notes" : ''),
  }));
}

/**
 * PATCH /events/{event_id}: what only the crew side owns, the crew and the crew notes. Strict, so any other field is
 * refused by name rather than ignored. `crew_notes: null` clears them. revenue_cents and captain_fee_cents change
 * nothing: new crew notes are checked against them (the stored event holds no money), and without them against the
 * money vocabulary only.
 */
export const UpdateEventRequest = z
  .strictObject(
    {
      crew: z.optional(Crew),
      crew_notes: z.optional(z.nullable(Notes)),
      ...redactionAmounts,
      expected_version: z.optional(
        z.number().check(z.int({ error: 'must be a whole number' }), z.minimum(1, { error: 'must be at least 1' })),
      ),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `cannot be changed here: ${issue.keys.join(', ')} (only crew and crew_notes; revenue_cents and ` +
            'captain_fee_cents only to redact the crew notes)'
          : undefined,
    },
  )
  .check((ctx) => {
    if (ctx.value.crew === undefined && ctx.value.crew_notes === undefined) {
      ctx.issues.push({ code: 'custom', path: [], message: 'name at least one of crew, crew_notes', input: ctx.value });
    }
  });
export type UpdateEventRequest = z.infer<typeof UpdateEventRequest>;

/** What a PATCH changes once planned; `crew_notes: null` removes them. */
export interface CrewChangePlan {
  changes: { crew?: CrewMember[]; crew_notes?: string | null };
  /** Member ids new on the crew. */
  added: string[];
  /** Members taken off the crew (whole, so they can be told): their answers go with them. */
  removed: CrewMember[];
}

/**
 * Applies a PATCH to an event on paper: new crew notes are scrubbed as a booking's notes are, against the booking's
 * private facts (`known`, kept with the event) and any amounts the PATCH names.
 */
export function planCrewChange(
  event: Pick<CrewEvent, 'crew'>,
  request: UpdateEventRequest,
  known?: PrivateFacts,
): CrewChangePlan {
  const changes: CrewChangePlan['changes'] = {};
  if (request.crew_notes !== undefined) {
    const facts = mergePrivateFacts(known, privateFactsOf(request));
    changes.crew_notes = request.crew_notes === null ? null : (scrubText(request.crew_notes, facts) ?? null);
  }
  if (request.crew === undefined) return { changes, added: [], removed: [] };
  const crew = request.crew.map(copyMember);
  changes.crew = crew;
  const isOn = (list: CrewMember[], id: string) => list.some((member) => member.member_id === id);
  return {
    changes,
    added: crew.filter((m) => !isOn(event.crew, m.member_id)).map((m) => m.member_id),
    removed: event.crew.filter((m) => !isOn(crew, m.member_id)).map(copyMember),
  };
}

/**
 * True when a PATCH based on `expected` is the retry of the change that made the event what it is (the first attempt
 * applied, then its answer or its EventUpdated was lost): nothing has changed the event since, and it already holds
 * what the PATCH asks for. The retry is answered as the first was, and the same EventUpdated published again.
 */
export function isRepeatedCrewChange(event: CrewEvent, expected: number, plan: CrewChangePlan): boolean {
  if (event.crew_change?.based_on !== expected || event.version !== expected + 1) return false;
  const { crew, crew_notes } = plan.changes;
  return (
    (crew === undefined || canonical(crew) === canonical(event.crew)) &&
    (crew_notes === undefined || (crew_notes ?? undefined) === event.crew_notes)
  );
}

/** PUT /crew: the roster new events get. */
export const PutRosterRequest = z.strictObject({ crew: Crew });
export type PutRosterRequest = z.infer<typeof PutRosterRequest>;

/** The version a PATCH is based on: given (a number, or `any` for If-Match: *), missing, or not an ETag. */
export type ExpectedVersion =
  { kind: 'given'; version: number | 'any' } | { kind: 'missing' } | { kind: 'malformed'; message: string };

/** The version a client expects, from the body or an If-Match header ("3", W/"3", 3; * means any). */
export function expectedVersion(bodyVersion: number | undefined, ifMatch: string | undefined): ExpectedVersion {
  if (bodyVersion !== undefined) return { kind: 'given', version: bodyVersion };
  if (ifMatch === undefined || ifMatch.trim() === '') return { kind: 'missing' };
  const value = ifMatch.trim();
  if (value === '*') return { kind: 'given', version: 'any' };
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value);
  if (!match || Number(match[1]) < 1)
    return { kind: 'malformed', message: `If-Match must be the event's ETag, e.g. "3"; got ${value}` };
  return { kind: 'given', version: Number(match[1]) };
}

export const etagOf = (version: number) => `"${version}"`;

/**
 * The event's free text as it leaves the service (the crew page, the API): scrubbed again. It was scrubbed when it was
 * stored; doing it again costs little and means text written before a rule existed, or by hand, still cannot show.
 */
export function outgoingText(event: CrewEvent) {
  const reason = event.cancellation?.reason;
  return {
    ...scrubbedCharter(event, { amounts: [], emails: [], phones: [] }),
    crew_notes: scrubText(event.crew_notes),
    ...(event.cancellation
      ? { cancellation: { ...event.cancellation, ...(reason ? { reason: scrubText(reason) } : {}) } }
      : {}),
    declineReason: (memberId: string) => scrubText(event.declines[memberId]?.reason),
  };
}

/** The API's view of an event: each member's answer in crew order, and the cancellation when cancelled. */
export function eventView(event: CrewEvent) {
  const text = outgoingText(event);
  return {
    event_id: event.event_id,
    ...charterFieldsOf(text),
    ...(text.notes === undefined ? {} : { notes: text.notes }),
    ...(text.crew_notes === undefined ? {} : { crew_notes: text.crew_notes }),
    status: event.lifecycle,
    ...(text.cancellation ? { cancellation: text.cancellation } : {}),
    crew: event.crew.map((member) => ({
      ...copyMember(member),
      confirmed_at: event.confirmations[member.member_id] ?? null,
      declined_at: event.declines[member.member_id]?.at ?? null,
      ...(text.declineReason(member.member_id) ? { decline_reason: text.declineReason(member.member_id) } : {}),
    })),
    revision: event.revision,
    version: event.version,
    created_at: event.created_at,
    updated_at: event.updated_at,
  };
}

/** The default roster setting: a JSON list of crew members (empty until the operator sets one). */
export const RosterSetting = z.array(CrewMember).check(z.superRefine(uniqueMembers));
