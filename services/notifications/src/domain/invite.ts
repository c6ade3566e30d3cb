import { TZDate } from '@date-fns/tz';
import type { NoticeKind } from '@charter/events';
import { charterEndsAt, charterStartsAt } from '@charter/shared';
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
  ICalEventTransparency,
} from 'ical-generator';
import type { CrewMember } from '@charter/events';
import type { NoticeFields } from './state';
import { vtimezone } from './vtimezone';

/**
 * The calendar invite every notice carries, so that the charter sits in each member's own calendar and moves or
 * disappears with it. What Google Calendar, Apple Calendar and Outlook need to update one event in place rather than
 * add a second (RFC 5546, iTIP): the same UID for every notice about the crew event, a SEQUENCE that rises with each
 * notice to the member, a DTSTAMP, the ORGANIZER (our sender) and an ATTENDEE with the member's address, and a METHOD
 * equal to the `method=` of the MIME part. Times are the marina's wall clock with its TZID and a VTIMEZONE computed
 * from the runtime's tz database (see vtimezone.ts), so a reader in another zone sees the right instant.
 */

export type InviteMethod = 'REQUEST' | 'CANCEL';

export const INVITE_FILE_NAME = 'invite.ics';

export const methodOf = (kind: NoticeKind): InviteMethod =>
  kind === 'cancel' || kind === 'removal' ? 'CANCEL' : 'REQUEST';

/** The MIME type of the invite part: its `method=` must be the METHOD inside. */
export const inviteContentType = (method: InviteMethod) => `text/calendar; charset=UTF-8; method=${method}`;

export interface InviteInput {
  kind: NoticeKind;
  bookingId: string;
  eventId: string;
  member: Pick<CrewMember, 'name' | 'email' | 'role'>;
  /** What the invite shows: the charter as it now stands (call, change) or as the member knew it (cancel, removal). */
  fields: NoticeFields;
  sequence: number;
  /** The sender address: the ORGANIZER, and the UID's domain. */
  organizer: string;
  crewPageLink: string;
  /** DTSTAMP: when this notice was made. */
  now: Date;
}

export interface Invite {
  method: InviteMethod;
  contentType: string;
  fileName: string;
  ics: string;
}

/** One UID per crew event, the same in every member's calendar and in every notice about it. */
export const inviteUid = (eventId: string, organizer: string) => `${eventId}@${organizer.split('@')[1] ?? 'charter'}`;

const DESCRIPTION: Record<NoticeKind, string> = {
  call: 'You are on the crew for this charter. Open your crew page to see the details and confirm you are coming:',
  change: 'This charter has changed. Open your crew page to see the details and confirm the new plan:',
  cancel: 'This charter was cancelled; you are no longer needed. Your crew page:',
  removal: 'You were taken off the crew for this charter. Your crew page:',
  resend: 'You are on the crew for this charter. A fresh link to your crew page, to see the details and confirm:',
};

export function renderInvite(input: InviteInput): Invite {
  const { fields, member } = input;
  const method = methodOf(input.kind);
  const calendar = ical({
    prodId: { company: 'charter-booking-automation', product: 'crew-notices', language: 'EN' },
    method: method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
    // No calendar-wide zone (DTSTAMP stays UTC, as RFC 5545 requires); the generator writes a VTIMEZONE for the
    // event's own zone, covering the dates around the charter.
    timezone: { name: null, generator: (zone) => vtimezone(zone, Number(fields.charter_date.slice(0, 4))) },
  });
  const event = calendar.createEvent({
    id: inviteUid(input.eventId, input.organizer),
    sequence: input.sequence,
    stamp: input.now,
    start: new TZDate(charterStartsAt(fields).getTime(), fields.timezone),
    end: new TZDate(charterEndsAt(fields).getTime(), fields.timezone),
    timezone: fields.timezone,
    summary: `Charter on ${fields.vessel} (booking ${input.bookingId})`,
    location: fields.location,
    description: [
      DESCRIPTION[input.kind],
      input.crewPageLink,
      '',
      `Role: ${member.role}. Guests: ${fields.guest_count}.`,
    ].join('\n'),
    url: input.crewPageLink,
    organizer: { name: 'Crew desk', email: input.organizer },
    status: method === 'REQUEST' ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    transparency: ICalEventTransparency.OPAQUE,
  });
  event.createAttendee({
    email: member.email,
    name: member.name,
    role: ICalAttendeeRole.REQ,
    status: ICalAttendeeStatus.NEEDSACTION,
    // Crew confirm on the crew page, not by replying to the invite.
    rsvp: false,
  });
  return { method, contentType: inviteContentType(method), fileName: INVITE_FILE_NAME, ics: calendar.toString() };
}
