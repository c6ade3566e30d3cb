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
    "Check the SCC service's dead-letter queue (npm run dlq) and its logs for this booking id, " +
    'or create the crew event by hand.',
  calendar:
    'SCC has the crew event but the calendar never confirmed the entry, so the crew has not been told. ' +
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
    ],
    facts(state),
    [],
  );
}

/** Crew members whose notice did not certainly go out. */
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
      `A crew notice for booking ${state.booking_id} did not certainly reach everyone. ` +
        'Please contact the people below directly; nobody is emailed twice automatically.',
    ],
    facts(state),
    undelivered.map(({ name, email, role, kind, status, reason }) => {
      const why = reason ? ` (${reason})` : '';
      return `${name} <${email}> (${role}), "${SUBJECT_PREFIX[kind]}" notice: ${UNDELIVERED_TEXT[status]}${why}`;
    }),
  );
}
