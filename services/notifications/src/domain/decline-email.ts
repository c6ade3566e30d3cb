import { dateInWords, html } from '@charter/shared';
import { factLines, factTable, htmlPage, oneLine, type Fact, type OutgoingEmail } from './email';
import { captainOf } from './join';
import { charterWhen } from './notice-email';
import type { CrewEventSnapshot, Decline, JoinState } from './state';

/**
 * The captain's email about a decline ("I can't make it" on the crew page): who, why, for which charter. It goes to
 * the captain; to the operator when the roster names no captain or the captain is the one who declined.
 */

export interface DeclineEmailInput {
  state: JoinState;
  decline: Decline;
  from: string;
  operatorAddress: () => string;
}

/** Who declined, from the roster as it stands or, if they are off it since, from what the notifier remembers. */
function whoDeclined(state: JoinState, decline: Decline): { name: string; email: string; role: string } {
  const onCrew = state.crew_event?.crew.find((m) => m.member_id === decline.member_id);
  const remembered = state.members[decline.member_id];
  return onCrew ?? remembered ?? { name: decline.member_id, email: '', role: 'crew' };
}

export function declineRecipient(event: CrewEventSnapshot, decline: Decline, operatorAddress: () => string): string {
  const captain = captainOf(event);
  return captain && captain.member_id !== decline.member_id ? captain.email : operatorAddress();
}

export function renderDeclineEmail({ state, decline, from, operatorAddress }: DeclineEmailInput): OutgoingEmail {
  const event = state.crew_event!;
  const who = whoDeclined(state, decline);
  const subject = oneLine(
    `Can't make it: ${who.name} (${who.role}), ${event.vessel}, ${dateInWords(event.charter_date)} ` +
      `(booking ${event.booking_id})`,
  );
  const answeredEarlier = decline.revision < event.revision;
  const lines = [
    `${who.name} (${who.role}) said they can't make it to the charter on ${event.vessel}.`,
    decline.reason ? `Their reason: ${decline.reason}` : 'They gave no reason.',
    ...(answeredEarlier
      ? ['They answered about the plan before the latest change; the facts below are the plan as it now stands.']
      : []),
    'You may want to find someone else and change the crew list.',
  ];
  const rows: Fact[] = [
    ['Booking', event.booking_id],
    ['When', charterWhen(event)],
    ['Vessel', event.vessel],
    ['Where', event.location],
    ['Declined', `${who.name}${who.email ? ` <${who.email}>` : ''}, ${decline.declined_at}`],
  ];
  const text = [...lines, '', ...factLines(rows)].join('\n');
  const content = html`${lines.map((line) => html`<p>${line}</p>\n`)}${factTable(rows)}\n`;
  return {
    from,
    to: declineRecipient(event, decline, operatorAddress),
    bcc: [],
    replyTo: who.email ? [who.email] : [],
    subject,
    html: htmlPage(subject, content),
    text,
    attachments: [],
  };
}
