import { dateInWords, html } from '@charter/shared';
import { factLines, factTable, htmlPage, oneLine, type Fact, type OutgoingEmail } from './email';
import type { MissingSide } from './join';
import { charterWhen, SUBJECT_PREFIX } from './notice-email';
import type { JoinState } from './state';
import type { StallAlert, Undelivered } from './stall';

type MissingStep = Extract<StallAlert, { kind: 'missing_step' }>;

/** The step that never happened, in the words the alert uses. */
export function missingStepText({
  missing,
  revision,
  cancelled,
}: Pick<MissingStep, 'missing' | 'revision' | 'cancelled'>): string {
  if (missing === 'crew_event') {
    if (cancelled) return 'the crew event (SCC) was never cancelled';
    return revision === undefined || revision <= 1
      ? 'the crew event (SCC) was never created'
      : `the crew event (SCC) never reached revision ${revision}`;
  }
  if (cancelled) return 'the calendar never confirmed the cancellation';
  return revision === undefined || revision <= 1
    ? 'the calendar entry was never confirmed'
    : `the calendar never confirmed revision ${revision}`;
}

const WHAT_TO_DO: Record<MissingSide, string> = {
  crew_event:
    'The calendar has the booking but SCC published no crew event for it, so the crew has not been told. ' +
    "The booking's timeline in the ops console shows what SCC did with it (a dead letter, a refusal), " +
    'or create the crew event by hand.',
  calendar:
    'SCC has the crew event but the calendar never confirmed the entry, so the crew has not been told. ' +
    "The booking's timeline in the ops console shows what the calendar did with it (a dead letter, a refusal).",
};

const UNDELIVERED_TEXT: Record<Undelivered['status'], string> = {
  not_sent: 'not sent yet: the notifier could not send it; it tries again every minute',
  claimed: 'not sent yet: the notifier stopped before sending it; it tries again every minute',
  sending:
    'possibly sent: the notifier stopped while SES had the message, before its answer came back; ' +
    'it is not re-sent automatically, to avoid a duplicate',
  unconfirmed: 'possibly sent: SES gave no answer; it is not re-sent automatically, to avoid a duplicate',
  rejected: 'not delivered: SES refused it',
};

/** Where a person looks at a booking: its page in the ops console (timeline, crew, dead letters). */
export const consoleLink = (consoleUrl: string, bookingId: string) =>
  `${consoleUrl}#/booking/${encodeURIComponent(bookingId)}`;

/** The crew desk's route that emails one member a fresh notice with a fresh crew-page link. */
export const resendRoute = (sccApiUrl: string, eventId: string, memberId: string) =>
  `POST ${sccApiUrl.replace(/\/$/, '')}/events/${encodeURIComponent(eventId)}/crew/${encodeURIComponent(memberId)}/resend`;

const minutesSince = (iso: string, now: Date) => Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));

function facts(state: JoinState, consoleUrl: string): Fact[] {
  const rows: Fact[] = [
    ['Booking', state.booking_id],
    ['Ops console', consoleLink(consoleUrl, state.booking_id)],
  ];
  const event = state.crew_event;
  if (event) {
    rows.push(
      ['When', charterWhen(event)],
      ['Vessel', event.vessel],
      ['Where', event.location],
      ['Crew event', event.event_id],
    );
  }
  if (state.calendar) rows.push(['Calendar', state.calendar.calendar_url]);
  return rows;
}

function assemble(
  from: string,
  to: string,
  subject: string,
  intro: string[],
  rows: Fact[],
  list: string[],
): OutgoingEmail {
  const text = [...intro, '', ...factLines(rows), ...(list.length ? ['', ...list.map((l) => `- ${l}`)] : [])].join(
    '\n',
  );
  const content = html`${intro.map((p) => html`<p>${p}</p>\n`)}${factTable(rows)}
${list.length ? html`<ul>\n${list.map((l) => html`<li>${l}</li>\n`)}</ul>\n` : ''}`;
  return {
    from,
    to,
    bcc: [],
    replyTo: [],
    subject: oneLine(subject),
    html: htmlPage(subject, content),
    text,
    attachments: [],
  };
}

/** "Booking xhqgmdh is stuck: the calendar entry was never confirmed". */
export function renderStallAlert(input: {
  state: JoinState;
  alert: MissingStep;
  now: Date;
  from: string;
  to: string;
  consoleUrl: string;
}): OutgoingEmail {
  const { state, alert, now } = input;
  const arrived = alert.missing === 'calendar' ? 'SCC changed the crew event' : 'The calendar changed the entry';
  const date = state.crew_event ? ` (${state.crew_event.vessel}, ${dateInWords(state.crew_event.charter_date)})` : '';
  const what = missingStepText(alert);
  return assemble(
    input.from,
    input.to,
    `Booking ${state.booking_id} is stuck: ${what}`,
    [
      `Booking ${state.booking_id}${date} is stuck: ${what}.`,
      `${arrived} ${minutesSince(alert.since, now)} minutes ago (${alert.since}); the other side has not caught up ` +
        `since. ${WHAT_TO_DO[alert.missing]}`,
      'The crew will be told automatically as soon as the missing step happens.',
      `Open the booking in the ops console: ${consoleLink(input.consoleUrl, state.booking_id)}`,
    ],
    facts(state, input.consoleUrl),
    [],
  );
}

/**
 * What a person does about one member's notice. A call, a change or a resend: ask them, and if they did not get it,
 * the crew desk sends a fresh notice with a fresh crew-page link (the resend route, counted as one more notice). A
 * cancellation or a removal cannot be sent afresh (SCC answers the route 409 for a cancelled charter or a member off
 * the crew), nor can anything once the charter is cancelled: then the only way is to phone them.
 */
function whatToDoFor(u: Undelivered, state: JoinState, sccApiUrl: string): string {
  if (u.kind === 'cancel') return 'phone them to tell them the charter is cancelled (no fresh notice can be sent)';
  if (u.kind === 'removal') return 'phone them to tell them they are off the crew (no fresh notice can be sent)';
  const event = state.crew_event;
  if (!event || event.status === 'cancelled')
    return 'phone them: the charter is cancelled since, so no fresh notice can be sent';
  return `ask them; if they did not get it, a fresh link: ${resendRoute(sccApiUrl, event.event_id, u.member_id)}`;
}

/** Crew members whose notice did not certainly go out, each with why and what a person does about it. */
export function renderDeliveryAlert(input: {
  state: JoinState;
  undelivered: Undelivered[];
  from: string;
  to: string;
  consoleUrl: string;
  sccApiUrl: string;
}): OutgoingEmail {
  const { state, undelivered } = input;
  const whom = undelivered.length === 1 ? 'one crew member' : `${undelivered.length} crew members`;
  return assemble(
    input.from,
    input.to,
    `Booking ${state.booking_id}: the crew email did not reach ${whom}`,
    [
      `A crew notice for booking ${state.booking_id} did not certainly reach everyone. ` +
        'Nobody is emailed twice automatically: below, for each person, what to do. A call or a change can be sent ' +
        'afresh with a fresh link to their crew page: the crew desk calls the route named with them (X-Service-Key), ' +
        'counted as one more notice. A cancellation or a removal cannot: phone them.',
      `The booking in the ops console: ${consoleLink(input.consoleUrl, state.booking_id)}`,
    ],
    facts(state, input.consoleUrl),
    undelivered.map((u) => {
      const why = u.reason ? ` (${u.reason})` : '';
      const notice = `"${SUBJECT_PREFIX[u.kind]}" notice`;
      const todo = whatToDoFor(u, state, input.sccApiUrl);
      return `${u.name} <${u.email}> (${u.role}), ${notice}: ${UNDELIVERED_TEXT[u.status]}${why}. To do: ${todo}`;
    }),
  );
}
