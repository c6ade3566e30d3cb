import type { CrewMember, EventCreated } from '@charter/events';
import { clockInWords, dateInWords, durationInWords, html, zoneAbbreviation } from '@charter/shared';
import { captainOf } from './join';

/** One message as SES SendEmail takes it (Simple content). */
export interface OutgoingEmail {
  from: string;
  to: string;
  bcc: string[];
  replyTo: string[];
  subject: string;
  html: string;
  text: string;
}

export interface CrewEmailInput {
  event: EventCreated;
  member: CrewMember;
  /** This member's own magic link to the crew page. */
  crewPageLink: string;
  from: string;
}

/** Mail headers cannot carry line breaks; partner text in a subject is flattened to one line. */
export const oneLine = (text: string) =>
  text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** "Thursday, May 30, 2024, 10:00 AM – 1:00 PM PDT (3 hours)" */
export function charterWhen(event: EventCreated): string {
  const zone = zoneAbbreviation(event);
  const duration = durationInWords(event.charter_start, event.charter_end);
  return `${dateInWords(event.charter_date)}, ${clockInWords(event.charter_start)} – ${clockInWords(event.charter_end)} ${zone} (${duration})`;
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
  const rows: [string, string][] = [
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
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    'Open your crew page to see the details and confirm you are coming:',
    crewPageLink,
    '',
    'This link is yours alone; please do not forward it.',
  ].join('\n');

  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; color: #1b2733; line-height: 1.5">
<p>Hi ${member.name},</p>
<p>You are on the crew for a charter on <strong>${event.vessel}</strong>.</p>
<table role="presentation" cellpadding="4" style="border-collapse: collapse">
${rows.map(([label, value]) => html`<tr><th align="left" style="padding-right: 16px">${label}</th><td>${value}</td></tr>\n`)}</table>
<p><a href="${crewPageLink}" style="display: inline-block; padding: 10px 18px; background: #0b5fa5; color: #fff; text-decoration: none; border-radius: 4px">Open your crew page</a></p>
<p style="font-size: 13px; color: #555">Or paste this link into your browser: ${crewPageLink}<br>This link is yours alone; please do not forward it.</p>
</body></html>
`;

  return {
    from,
    to: member.email,
    bcc: bccCaptain ? [captain.email] : [],
    replyTo: bccCaptain ? [captain.email] : [],
    subject,
    html: body.value,
    text,
  };
}
