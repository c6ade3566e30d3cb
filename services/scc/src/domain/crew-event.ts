import { createHash } from 'node:crypto';
import {
  Cents,
  ClockTime,
  CrewMember,
  GuestCount,
  NonEmptyText,
  endAfterStart,
  minutesOf,
  type BookingCreated,
  type EventCreated,
  type EventCreatedInput,
} from '@charter/events';
import { charterScheduleFields } from '@charter/shared/charter-schedule';
import type { FieldIssue } from '@charter/shared/errors';
import { z } from 'zod';
import { crewSafeNotes, type BookingAmounts } from './redaction';

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
  .min(1, { error: 'must name at least one crew member' })
  .max(MAX_CREW, { error: `must name at most ${MAX_CREW} crew members` })
  .superRefine(uniqueMembers);

export const Notes = z.string().max(4000, { error: 'must be at most 4000 characters' });

/**
 * What a crew event holds about its charter: the crew-safe projection of a booking, which is
 * EventCreated's charter and crew plus the booking's notes once money has been removed. No guest
 * contact details and no money.
 */
export type CrewEventFields = Omit<EventCreated, 'schema_version' | 'event_id' | 'revision' | 'version'> &
  Pick<BookingCreated, 'notes'>;

/** A stored crew event, as the API shows it. */
export interface CrewEvent extends CrewEventFields {
  event_id: EventCreated['event_id'];
  /** member_id -> ISO time of the member's first confirmation. */
  confirmations: Record<string, string>;
  version: number;
  created_at: string;
  updated_at: string;
}

/**
 * The event id is derived from the booking id, so every delivery of a booking, however
 * concurrent, names the same event and the conditional writes in the store settle on one.
 */
export function eventIdFor(bookingId: string): string {
  return `evt_${createHash('sha256').update(bookingId, 'utf8').digest('base64url').slice(0, 22)}`;
}

type CharterFields = Omit<CrewEventFields, 'notes' | 'crew'>;

/**
 * The charter's crew-safe fields, copied field by field (never by spreading the source), so a
 * field added to BookingCreated later cannot reach crew by accident.
 */
const charterFieldsOf = (source: CharterFields): CharterFields => ({
  booking_id: source.booking_id,
  charter_date: source.charter_date,
  charter_start: source.charter_start,
  charter_end: source.charter_end,
  timezone: source.timezone,
  vessel: source.vessel,
  location: source.location,
  guest_count: source.guest_count,
});

/**
 * The crew-safe projection of a booking: its charter's fields, money-free notes and a copy of the
 * crew. The booking's own revenue and captain fee are used to find them in the notes however
 * they are written ("Captain gets 300"), then dropped: this is the one place they are known.
 */
export function projectBooking(booking: BookingCreated, crew: CrewMember[]): CrewEventFields {
  const notes = crewSafeNotes(booking.notes, booking.guest, amountsOf(booking));
  return {
    ...charterFieldsOf(booking),
    ...(notes === undefined ? {} : { notes }),
    crew: crew.map(copyMember),
  };
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

const copyMember = (m: CrewMember): CrewMember => ({
  member_id: m.member_id,
  name: m.name,
  email: m.email,
  role: m.role,
});

/** The EventCreated detail: the projection without notes, and never a magic-link token. */
export function eventCreatedDetail(event: CrewEventFields & { event_id: string }): EventCreatedInput {
  const { booking_id, ...charter } = charterFieldsOf(event);
  return { schema_version: 1, booking_id, event_id: event.event_id, ...charter, crew: event.crew.map(copyMember) };
}

/** Only the amounts, never anything else of a value that carries them. */
const amountsOf = (source: BookingAmounts): BookingAmounts => ({
  revenue_cents: source.revenue_cents,
  captain_fee_cents: source.captain_fee_cents,
});

/**
 * The booking's amounts, accepted by POST and PATCH only so that notes can be checked against
 * them (a bare "Captain gets 300"); they are never stored or shown. The stored event has no
 * money, so a PATCH that does not send them has its notes checked by the vocabulary rules alone.
 */
const redactionAmounts = {
  revenue_cents: Cents.optional(),
  captain_fee_cents: Cents.optional(),
};

/**
 * POST /events: the operator's manual path. Same fields as the projection; crew is optional
 * (the roster is used when absent). Other fields are dropped, not refused, so a caller that
 * sends a whole booking still gets a crew event without its money or guest details; its
 * revenue_cents and captain_fee_cents are used to redact the notes, then dropped.
 */
export const CreateEventRequest = z
  .object({
    ...charterScheduleFields,
    vessel: NonEmptyText(100),
    location: NonEmptyText(200),
    guest_count: GuestCount,
    notes: Notes.optional(),
    crew: Crew.optional(),
    ...redactionAmounts,
  })
  .check(endAfterStart);
export type CreateEventRequest = z.infer<typeof CreateEventRequest>;

/** The crew-safe fields for a manual event: notes redacted as a booking's would be. */
export function projectRequest(request: CreateEventRequest, roster: CrewMember[]): CrewEventFields {
  const notes = crewSafeNotes(request.notes, undefined, amountsOf(request));
  return {
    ...charterFieldsOf(request),
    ...(notes === undefined ? {} : { notes }),
    crew: (request.crew ?? roster).map(copyMember),
  };
}

/**
 * PATCH /events/{event_id}: what may change after the booking (times, guest count, notes, crew).
 * Strict, so an attempt to change the date or vessel is refused by name rather than ignored.
 * `notes: null` clears the notes. revenue_cents and captain_fee_cents change nothing: new notes
 * are checked against them (the booking's amounts are only known at BookingCreated, and the
 * stored event holds none), and without them against the money vocabulary only.
 */
export const UpdateEventRequest = z
  .strictObject(
    {
      charter_start: ClockTime.optional(),
      charter_end: ClockTime.optional(),
      guest_count: GuestCount.optional(),
      notes: Notes.nullable().optional(),
      crew: Crew.optional(),
      ...redactionAmounts,
      expected_version: z
        .number()
        .int({ error: 'must be a whole number' })
        .min(1, { error: 'must be at least 1' })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `cannot be changed here: ${issue.keys.join(', ')} (only charter_start, charter_end, guest_count, notes ` +
            'and crew; revenue_cents and captain_fee_cents only to redact the notes)'
          : undefined,
    },
  )
  .check((ctx) => {
    const { expected_version: _version, revenue_cents: _revenue, captain_fee_cents: _fee, ...changes } = ctx.value;
    if (Object.keys(changes).length === 0) {
      ctx.issues.push({
        code: 'custom',
        path: [],
        message: 'name at least one of charter_start, charter_end, guest_count, notes, crew',
        input: ctx.value,
      });
    }
  });
export type UpdateEventRequest = z.infer<typeof UpdateEventRequest>;

/** What a PATCH changes once planned; `notes: null` removes the notes. */
export type EventChanges = Pick<UpdateEventRequest, 'charter_start' | 'charter_end' | 'guest_count' | 'notes' | 'crew'>;

export type ChangeCheck = { ok: true; changes: EventChanges } | { ok: false; fields: FieldIssue[] };

/**
 * Applies a PATCH to an event on paper: redaction is applied to new notes as on creation, and
 * the times are checked against each other as they will be after the change.
 */
export function planChanges(event: CrewEventFields, request: UpdateEventRequest): ChangeCheck {
  const start = request.charter_start ?? event.charter_start;
  const end = request.charter_end ?? event.charter_end;
  if (minutesOf(end) <= minutesOf(start)) {
    const path = request.charter_end !== undefined ? 'charter_end' : 'charter_start';
    return {
      ok: false,
      fields: [{ path, message: `the charter would end at ${end}, not after it starts at ${start}` }],
    };
  }
  const changes: EventChanges = {};
  if (request.charter_start !== undefined) changes.charter_start = request.charter_start;
  if (request.charter_end !== undefined) changes.charter_end = request.charter_end;
  if (request.guest_count !== undefined) changes.guest_count = request.guest_count;
  if (request.notes !== undefined)
    changes.notes =
      request.notes === null ? null : (crewSafeNotes(request.notes, undefined, amountsOf(request)) ?? null);
  if (request.crew !== undefined) changes.crew = request.crew.map(copyMember);
  return { ok: true, changes };
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

/** The members a planned crew change takes off the event: their confirmations go with them. */
export function membersRemovedBy(event: CrewEventFields, changes: EventChanges): string[] {
  const kept = changes.crew;
  if (!kept) return [];
  return event.crew.map((m) => m.member_id).filter((id) => !kept.some((m) => m.member_id === id));
}

export const etagOf = (version: number) => `"${version}"`;

/** The API's view of an event: confirmations as a list in crew order. */
export function eventView(event: CrewEvent) {
  return {
    event_id: event.event_id,
    ...charterFieldsOf(event),
    ...(event.notes === undefined ? {} : { notes: event.notes }),
    crew: event.crew.map((member) => ({
      ...copyMember(member),
      confirmed_at: event.confirmations[member.member_id] ?? null,
    })),
    version: event.version,
    created_at: event.created_at,
    updated_at: event.updated_at,
  };
}

/** The default roster setting: a JSON list of crew members (empty until the operator sets one). */
export const RosterSetting = z.array(CrewMember).superRefine(uniqueMembers);
