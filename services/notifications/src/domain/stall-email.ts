import { dateInWords, html } from '@charter/shared';
import { charterWhen } from './crew-email';
import { factLines, factTable, htmlPage, oneLine, type Fact, type OutgoingEmail } from './email';
import type { JoinState, MissingStep, Undelivered } from './join';

/** The step that never happened, in the words the alert uses. */
export const MISSING_STEP_TEXT: Record<MissingStep, string> = {
  crew_event: 'the crew event (SCC) was never created',
  calendar: 'the calendar entry was never confirmed',
};

const WHAT_TO_DO: Record<MissingStep, string> = {
  crew_event:
    'The calendar has the booking but SCC published no crew event for it, so the crew has not been emailed. ' +
    "Check the SCC service's dead-letter queue (npm run dlq) and its logs for this booking id, " +
    'or create the crew event by hand.',
  calendar:
    'SCC created the crew event but the calendar never confirmed the entry, so the crew has not been emailed. ' +
    "Check the calendar service's dead-letter queue (npm run dlq) and its logs for this booking id.",
};

const UNDELIVERED_TEXT: Record<Undelivered['status'], string> = {
  not_sent: 'not sent: the notifier failed before sending (its event is in the notifications dead-letter queue)',
  claimed:
    'possibly sent: the notifier stopped between sending and recording; ' +
    'it is not re-sent automatically, to avoid a duplicate',
  unconfirmed: 'possibly sent: SES gave no answer; it is not re-sent automatically, to avoid a duplicate',
  rejected: 'not delivered: SES refused it',
};

const minutesSince = (iso: string, now: Date) => Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));

function facts(state: JoinState): Fact[] {
  const rows: Fact[] = [['Booking', state.booking_id]];
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
  return { from, to, bcc: [], replyTo: [], subject: oneLine(subject), html: htmlPage(subject, content), text };
}

/** "Booking xhqgmdh is stuck: the calendar entry was never confirmed". */
export function renderStallAlert(input: {
  state: JoinState;
  missing: MissingStep;
  since: string;
  now: Date;
  from: string;
  to: string;
}): OutgoingEmail {
  const { state, missing, since, now } = input;
  const arrived = missing === 'calendar' ? 'The crew event was created' : 'The calendar entry was confirmed';
  const date = state.crew_event ? ` (${state.crew_event.vessel}, ${dateInWords(state.crew_event.charter_date)})` : '';
  return assemble(
    input.from,
    input.to,
    `Booking ${state.booking_id} is stuck: ${MISSING_STEP_TEXT[missing]}`,
    [
      `Booking ${state.booking_id}${date} is stuck: ${MISSING_STEP_TEXT[missing]}.`,
      `${arrived} ${minutesSince(since, now)} minutes ago (${since}); the other step has not happened since. ` +
        WHAT_TO_DO[missing],
      'The crew will be emailed automatically as soon as the missing step happens.',
    ],
    facts(state),
    [],
  );
}

/** Crew members whose crew call did not certainly go out. */
export function renderDeliveryAlert(input: {
  state: JoinState;
  undelivered: Undelivered[];
  from: string;
  to: string;
}): OutgoingEmail {
  const { state, undelivered } = input;
  const whom = undelivered.length === 1 ? 'one crew member' : `${undelivered.length} crew members`;
  return assemble(
    input.from,
    input.to,
    `Booking ${state.booking_id}: the crew email did not reach ${whom}`,
    [
      `The crew email for booking ${state.booking_id} did not certainly reach everyone. ` +
        'Please contact the people below directly; nobody is emailed twice automatically.',
    ],
    facts(state),
    undelivered.map(({ member, status, reason }) => {
      const why = reason ? ` (${reason})` : '';
      return `${member.name} <${member.email}> (${member.role}): ${UNDELIVERED_TEXT[status]}${why}`;
    }),
  );
}
