import type { CrewMember, EventCreated } from '@charter/events';
import { clockInWords, dateInWords, durationInWords, html, zoneAbbreviation } from '@charter/shared';
import { factLines, factTable, htmlPage, oneLine, type Fact, type OutgoingEmail } from './email';
import { captainOf } from './join';

export interface CrewEmailInput {
  event: EventCreated;
  member: CrewMember;
  /** This member's own magic link to the crew page. */
  crewPageLink: string;
  from: string;
}

const KEEP_IT_PRIVATE = 'This link is yours alone; please do not forward it.';
const BUTTON_STYLE =
  'display: inline-block; padding: 10px 18px; background: #0b5fa5; color: #fff; ' +
  'text-decoration: none; border-radius: 4px';
const NOTE_STYLE = 'font-size: 13px; color: #555';

/** "Thursday, May 30, 2024, 10:00 AM – 1:00 PM PDT (3 hours)" */
export function charterWhen(event: EventCreated): string {
  const zone = zoneAbbreviation(event);
  const duration = durationInWords(event.charter_start, event.charter_end);
  const hours = `${clockInWords(event.charter_start)} – ${clockInWords(event.charter_end)}`;
  return `${dateInWords(event.charter_date)}, ${hours} ${zone} (${duration})`;
}

/**
 * The crew call for one member. It is built only from EventCreated, SCC's crew-safe projection,
 * so no money field can reach it. The captain is BCC'd on everyone else's message (the contract
 * asks for it: they see who was called, with which details), and gets their own message without
 * a BCC to themselves; replies go to the captain. The BCC copy carries the member's own link,
 * which the captain, as the crew's lead, is trusted with.
 */
export function renderCrewEmail({ event, member, crewPageLink, from }: CrewEmailInput): OutgoingEmail {
  const captain = captainOf(event);
  const bccCaptain = captain !== undefined && captain.email.toLowerCase() !== member.email.toLowerCase();
  const when = charterWhen(event);
  const guests = `${event.guest_count} guest${event.guest_count === 1 ? '' : 's'}`;
  const subject = oneLine(
    `Crew call: ${event.vessel}, ${dateInWords(event.charter_date)} (booking ${event.booking_id})`,
  );
  const rows: Fact[] = [
    ['Booking', event.booking_id],
    ['When', when],
    ['Vessel', event.vessel],
    ['Where', event.location],
    ['Guests', guests],
    ['Your role', member.role],
  ];
  if (bccCaptain) rows.push(['Captain', `${captain.name} <${captain.email}>`]);

  const text = [
    `Hi ${member.name},`,
    '',
    `You are on the crew for a charter on ${event.vessel}.`,
    '',
    ...factLines(rows),
    '',
    'Open your crew page to see the details and confirm you are coming:',
    crewPageLink,
    '',
    KEEP_IT_PRIVATE,
  ].join('\n');

  const content = html`<p>Hi ${member.name},</p>
<p>You are on the crew for a charter on <strong>${event.vessel}</strong>.</p>
${factTable(rows)}
<p><a href="${crewPageLink}" style="${BUTTON_STYLE}">Open your crew page</a></p>
<p style="${NOTE_STYLE}">Or paste this link into your browser: ${crewPageLink}<br>${KEEP_IT_PRIVATE}</p>
`;

  return {
    from,
    to: member.email,
    bcc: bccCaptain ? [captain.email] : [],
    replyTo: bccCaptain ? [captain.email] : [],
    subject,
    html: htmlPage(subject, content),
    text,
  };
}
