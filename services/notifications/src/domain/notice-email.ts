import type { CrewMember, NoticeKind } from '@charter/events';
import { clockInWords, dateInWords, durationInWords, html, zoneAbbreviation, type SafeHtml } from '@charter/shared';
import { LABEL_STYLE, factLines, factTable, htmlPage, oneLine, type Fact, type OutgoingEmail } from './email';
import { methodOf, renderInvite, type InviteMethod } from './invite';
import type { DueNotice, FieldChange } from './join';
import type { NoticeFields } from './state';

/**
 * The four crew notices (ARCHITECTURE.md, "Crew notices (v2)"): call, change, cancel, removal; and the resend the
 * operator asks for (the charter as it now stands, with a fresh link). One message per
 * member, HTML and text, with the member's own crew-page link and a calendar invite. They are built only from the
 * crew event SCC published (its crew-safe projection: no money, no guest contact details); the vessel, location and
 * a cancellation's reason are partner text, escaped in HTML and flattened to one line in the subject.
 *
 * The captain is BCC'd on everyone else's notice (they see who was told what) and gets their own without a BCC to
 * themselves; replies go to the captain. The BCC copy carries the member's link and invite, which the captain, as
 * the crew's lead, is trusted with.
 */

export interface NoticeEmailInput {
  bookingId: string;
  notice: DueNotice;
  /** The captain of the crew event as it now stands, if it names one. */
  captain: CrewMember | undefined;
  /** This member's own magic link to the crew page. */
  crewPageLink: string;
  from: string;
  now: Date;
}

export const SUBJECT_PREFIX: Record<NoticeKind, string> = {
  call: 'Crew call:',
  change: 'Changed:',
  cancel: 'Cancelled:',
  removal: 'Off the crew:',
  resend: 'Crew details:',
};

const KEEP_IT_PRIVATE = 'This link is yours alone; please do not forward it.';
const BUTTON_STYLE =
  'display: inline-block; padding: 10px 18px; background: #0b5fa5; color: #fff; ' +
  'text-decoration: none; border-radius: 4px';
// A crew-page link is one long word: let it wrap rather than widen the page.
const NOTE_STYLE = 'font-size: 13px; color: #555; overflow-wrap: anywhere';
const BANNER_STYLE = 'padding: 10px 14px; border-radius: 4px; font-weight: 600';
const BANNER: Record<NoticeKind, string> = {
  call: `${BANNER_STYLE}; background: #e6f0fa; color: #0b3d66`,
  change: `${BANNER_STYLE}; background: #fff4d6; color: #6b4a00`,
  cancel: `${BANNER_STYLE}; background: #fde8e8; color: #8a1c1c`,
  removal: `${BANNER_STYLE}; background: #eeeeee; color: #333`,
  resend: `${BANNER_STYLE}; background: #e6f0fa; color: #0b3d66`,
};

/** "Thursday, May 30, 2024, 10:00 AM – 1:00 PM PDT (3 hours)" */
export function charterWhen(fields: NoticeFields): string {
  const zone = zoneAbbreviation(fields);
  const duration = durationInWords(fields.charter_start, fields.charter_end);
  const hours = `${clockInWords(fields.charter_start)} – ${clockInWords(fields.charter_end)}`;
  return `${dateInWords(fields.charter_date)}, ${hours} ${zone} (${duration})`;
}

const guests = (count: number) => `${count} guest${count === 1 ? '' : 's'}`;

const FIELD_LABEL: Record<FieldChange['field'], string> = {
  charter_date: 'Date',
  charter_start: 'Start',
  charter_end: 'End',
  timezone: 'Time zone',
  vessel: 'Vessel',
  location: 'Where',
  guest_count: 'Guests',
};

/** A field's value as a person reads it. */
function inWords(field: FieldChange['field'], value: string | number): string {
  if (field === 'charter_date') return dateInWords(String(value));
  if (field === 'charter_start' || field === 'charter_end') return clockInWords(String(value));
  if (field === 'guest_count') return guests(Number(value));
  return String(value);
}

/** "date, start and guests" */
function changedInWords(changes: FieldChange[]): string {
  const labels = changes.map((c) => FIELD_LABEL[c.field].toLowerCase());
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** A change of date, time or place clears the crew's confirmations in SCC (the contract): they confirm again. */
const RECONFIRM_FIELDS = new Set<FieldChange['field']>([
  'charter_date',
  'charter_start',
  'charter_end',
  'timezone',
  'location',
]);

interface Wording {
  subject: string;
  /** The first line, in the coloured banner of the HTML. */
  headline: string;
  intro: string[];
  action: string;
  button: string;
}

function wordingOf(bookingId: string, notice: DueNotice): Wording {
  const { fields, kind, changes } = notice;
  const onDate = `${fields.vessel}, ${dateInWords(fields.charter_date)} (booking ${bookingId})`;
  switch (kind) {
    case 'call':
      return {
        subject: `${SUBJECT_PREFIX.call} ${onDate}`,
        headline: `You are on the crew for a charter on ${fields.vessel}.`,
        intro: [],
        action: 'Open your crew page to see the details and confirm you are coming:',
        button: 'Open your crew page',
      };
    case 'change': {
      const reconfirm = changes.some((c) => RECONFIRM_FIELDS.has(c.field));
      return {
        subject: `${SUBJECT_PREFIX.change} ${changedInWords(changes)} – ${onDate}`,
        headline: `The charter on ${fields.vessel} you are crewing has changed.`,
        intro: [],
        action: reconfirm
          ? 'The date, time or place changed, so please open your crew page and confirm the new plan:'
          : 'Open your crew page to see the details:',
        button: reconfirm ? 'Confirm the new plan' : 'Open your crew page',
      };
    }
    case 'cancel':
      return {
        subject: `${SUBJECT_PREFIX.cancel} ${onDate}`,
        headline: `The charter on ${fields.vessel}, ${dateInWords(fields.charter_date)}, was cancelled.`,
        intro: [
          'You are no longer needed for it; the invite in your calendar is cancelled with this message.',
          ...(notice.reason ? [`Reason given: ${notice.reason}`] : []),
        ],
        action: 'Your crew page shows the cancellation:',
        button: 'Open your crew page',
      };
    case 'removal':
      return {
        subject: `${SUBJECT_PREFIX.removal} ${onDate}`,
        headline:
          `You were taken off the crew for the charter on ${fields.vessel}, ` + `${dateInWords(fields.charter_date)}.`,
        intro: [
          'You are no longer needed for it; the invite in your calendar is cancelled with this message. ' +
            'Thank you, and please ask the captain if you think this is a mistake.',
        ],
        action: 'Your crew page link no longer opens the event for you:',
        button: 'Your crew page',
      };
    case 'resend':
      return {
        subject: `${SUBJECT_PREFIX.resend} ${onDate}`,
        headline: `You are on the crew for a charter on ${fields.vessel}: here are its details again.`,
        intro: ['The crew desk sent this again at your captain’s request, with a fresh link to your crew page.'],
        action: 'Open your crew page to see the details and confirm you are coming:',
        button: 'Open your crew page',
      };
  }
}

/** The charter's facts as this notice tells them (for a cancel or removal: as the member knew them). */
function factsOf(bookingId: string, notice: DueNotice, captain: CrewMember | undefined, bccCaptain: boolean): Fact[] {
  const { fields, member } = notice;
  const rows: Fact[] = [
    ['Booking', bookingId],
    ['When', charterWhen(fields)],
    ['Vessel', fields.vessel],
    ['Where', fields.location],
    ['Guests', guests(fields.guest_count)],
    ['Your role', member.role],
  ];
  if (bccCaptain && captain) rows.push(['Captain', `${captain.name} <${captain.email}>`]);
  return rows;
}

const changeLine = (c: FieldChange) =>
  `${FIELD_LABEL[c.field]}: ${inWords(c.field, c.from)} -> ${inWords(c.field, c.to)}`;

const OLD_STYLE = 'color: #777';

/** "Date | ~~Thursday, May 30, 2024~~ → **Friday, May 31, 2024**" */
const changeRow = (c: FieldChange) => {
  const from = html`<s style="${OLD_STYLE}">${inWords(c.field, c.from)}</s>`;
  const to = html`<strong>${inWords(c.field, c.to)}</strong>`;
  return html`<tr><th align="left" style="${LABEL_STYLE}">${FIELD_LABEL[c.field]}</th><td>${from} → ${to}</td></tr>\n`;
};

const changeTable = (changes: FieldChange[]): SafeHtml =>
  html`<table role="presentation" cellpadding="4" style="border-collapse: collapse; margin: 8px 0 16px">
${changes.map(changeRow)}</table>`;

const INVITE_NOTE: Record<InviteMethod, string> = {
  REQUEST: 'The calendar invite attached (invite.ics) adds this charter to your calendar, or moves it there.',
  CANCEL: 'The calendar invite attached (invite.ics) removes this charter from your calendar.',
};

export function renderNotice(input: NoticeEmailInput): OutgoingEmail {
  const { bookingId, notice, captain, crewPageLink, from } = input;
  const { member } = notice;
  const bccCaptain = captain !== undefined && captain.email.toLowerCase() !== member.email.toLowerCase();
  const words = wordingOf(bookingId, notice);
  const subject = oneLine(words.subject);
  const rows = factsOf(bookingId, notice, captain, bccCaptain);
  const changes = notice.kind === 'change' ? notice.changes : [];

  const text = [
    `Hi ${member.name},`,
    '',
    words.headline,
    ...words.intro.flatMap((line) => ['', line]),
    ...(changes.length
      ? ['', 'What changed:', ...changes.map((c) => `- ${changeLine(c)}`), '', 'The charter now:']
      : []),
    '',
    ...factLines(rows),
    '',
    words.action,
    crewPageLink,
    '',
    KEEP_IT_PRIVATE,
  ].join('\n');

  const content = html`<p>Hi ${member.name},</p>
<p style="${BANNER[notice.kind]}">${words.headline}</p>
${words.intro.map((line) => html`<p>${line}</p>\n`)}${
    changes.length
      ? html`<p><strong>What changed</strong></p>\n${changeTable(changes)}<p><strong>The charter now</strong></p>\n`
      : ''
  }${factTable(rows)}
<p>${words.action}</p>
<p><a href="${crewPageLink}" style="${BUTTON_STYLE}">${words.button}</a></p>
<p style="${NOTE_STYLE}">Or paste this link into your browser: ${crewPageLink}<br>${KEEP_IT_PRIVATE}<br>
${INVITE_NOTE[methodOf(notice.kind)]}</p>
`;

  const invite = renderInvite({
    kind: notice.kind,
    bookingId,
    eventId: notice.event_id,
    member,
    fields: notice.fields,
    sequence: notice.sequence,
    organizer: from,
    crewPageLink,
    now: input.now,
  });
  return {
    from,
    to: member.email,
    bcc: bccCaptain ? [captain.email] : [],
    replyTo: bccCaptain ? [captain.email] : [],
    subject,
    html: htmlPage(subject, content),
    text,
    attachments: [{ fileName: invite.fileName, contentType: invite.contentType, content: invite.ics }],
  };
}
