import type { CrewMember, NoticeKind } from '@charter/events';
import { clockInWords, dateInWords, durationInWords, html, zoneAbbreviation, type SafeHtml } from '@charter/shared';
import { LABEL_STYLE, factLines, factTable, htmlPage, oneLine, type Fact, type OutgoingEmail } from './email';
import { methodOf, renderInvite, type InviteMethod } from './invite';
import type { DueNotice, FieldChange } from './join';
import type { CaptainCopy, NoticeFields } from './state';

/**
 * The four crew notices (ARCHITECTURE.md, "Crew notices (v2)"): call, change, cancel, removal; and the resend the
 * operator asks for (the charter as it now stands, with a fresh link). One message per
 * member, HTML and text, with the member's own crew-page link and a calendar invite. They are built only from the
 * crew event SCC published (its crew-safe projection: no money, no guest contact details); the vessel, location and
 * a cancellation's reason are partner text, escaped in HTML and flattened to one line in the subject.
 *
 * The captain sees who was told what by a copy of everyone else's notice, sent as its own message
 * (`renderCaptainCopy`), not as a BCC: a BCC would put each member's invite, with the crew event's one UID, into the
 * captain's own calendar, and a member's removal (METHOD:CANCEL) would then cancel the charter there. The copy has
 * no invite and no crew-page link (the link is the member's alone: with it the captain could confirm or decline as
 * them). Replies to a member's notice go to the captain.
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

function wordingOf(bookingId: string, notice: NoticeShown): Wording {
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
function factsOf(bookingId: string, notice: NoticeShown, captain: CrewMember | undefined): Fact[] {
  const { fields, member } = notice;
  const rows: Fact[] = [
    ['Booking', bookingId],
    ['When', charterWhen(fields)],
    ['Vessel', fields.vessel],
    ['Where', fields.location],
    ['Guests', guests(fields.guest_count)],
    ['Your role', member.role],
  ];
  if (captain) rows.push(['Captain', `${captain.name} <${captain.email}>`]);
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

/** What a notice shows, whether to the member or in the captain's copy. */
type NoticeShown = Pick<DueNotice, 'kind' | 'member' | 'fields' | 'changes' | 'reason'>;

/** The member's crew-page link and what the invite does, in a member's own notice; neither in the captain's copy. */
interface Action {
  link: string;
  inviteNote: string;
}

/** The text and HTML of a notice: the member's own (with their link) or the captain's copy (`copyNote`, no link). */
function noticeBody(
  bookingId: string,
  notice: NoticeShown,
  rows: Fact[],
  action: Action | undefined,
  copyNote: string | undefined,
): { subject: string; text: string; html: string } {
  const { member } = notice;
  const words = wordingOf(bookingId, notice);
  const subject = oneLine(copyNote ? `${COPY_PREFIX} ${words.subject}` : words.subject);
  const changes = notice.kind === 'change' ? notice.changes : [];
  const text = [
    ...(copyNote ? [copyNote, '', '----', ''] : []),
    `Hi ${member.name},`,
    '',
    words.headline,
    ...words.intro.flatMap((line) => ['', line]),
    ...(changes.length
      ? ['', 'What changed:', ...changes.map((c) => `- ${changeLine(c)}`), '', 'The charter now:']
      : []),
    '',
    ...factLines(rows),
    ...(action ? ['', words.action, action.link, '', KEEP_IT_PRIVATE] : []),
  ].join('\n');

  const content = html`${copyNote ? html`<p style="${COPY_STYLE}">${copyNote}</p>\n` : ''}<p>Hi ${member.name},</p>
<p style="${BANNER[notice.kind]}">${words.headline}</p>
${words.intro.map((line) => html`<p>${line}</p>\n`)}${
    changes.length
      ? html`<p><strong>What changed</strong></p>\n${changeTable(changes)}<p><strong>The charter now</strong></p>\n`
      : ''
  }${factTable(rows)}
${
  action
    ? html`<p>${words.action}</p>
<p><a href="${action.link}" style="${BUTTON_STYLE}">${words.button}</a></p>
<p style="${NOTE_STYLE}">Or paste this link into your browser: ${action.link}<br>${KEEP_IT_PRIVATE}<br>
${action.inviteNote}</p>
`
    : ''
}`;
  return { subject, text, html: htmlPage(subject, content) };
}

/** The member's own notice: To the member alone (no BCC), replies to the captain, their link and their invite. */
export function renderNotice(input: NoticeEmailInput): OutgoingEmail {
  const { bookingId, notice, captain, crewPageLink, from } = input;
  const { member } = notice;
  const toCaptain = captain !== undefined && captain.email.toLowerCase() !== member.email.toLowerCase();
  const rows = factsOf(bookingId, notice, toCaptain ? captain : undefined);
  const action = { link: crewPageLink, inviteNote: INVITE_NOTE[methodOf(notice.kind)] };
  const { subject, text, html } = noticeBody(bookingId, notice, rows, action, undefined);
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
    bcc: [],
    replyTo: toCaptain ? [captain.email] : [],
    subject,
    html,
    text,
    attachments: [{ fileName: invite.fileName, contentType: invite.contentType, content: invite.ics }],
  };
}

/** A copy's subject starts with this, before the member's notice's own subject. */
export const COPY_PREFIX = 'Copy:';
const COPY_STYLE = `${NOTE_STYLE}; border-left: 3px solid #999; padding-left: 8px`;

/**
 * The captain's copy of a member's notice (`captainCopyOf`): what the member was told, as its own message to the
 * captain, with no calendar invite (it would land in the captain's own calendar under the crew event's UID) and no
 * crew-page link (the member's alone).
 */
export function renderCaptainCopy(input: {
  bookingId: string;
  member: CrewMember;
  copy: CaptainCopy;
  from: string;
}): OutgoingEmail {
  const { bookingId, member, copy, from } = input;
  const notice: NoticeShown = { ...copy, member };
  const copyNote =
    `A copy for you, ${copy.captain_name}, of the notice sent to ${member.name} <${member.email}> (${member.role}). ` +
    'Their crew-page link and calendar invite are theirs alone and are left out of this copy.';
  const { subject, text, html } = noticeBody(
    bookingId,
    notice,
    factsOf(bookingId, notice, undefined),
    undefined,
    copyNote,
  );
  return { from, to: copy.to, bcc: [], replyTo: [], subject, html, text, attachments: [] };
}

/** The captain's copy due with a member's notice, or none (the captain's own notice, or no captain on the crew). */
export function captainCopyOf(notice: DueNotice, captain: CrewMember | undefined): CaptainCopy | undefined {
  if (!captain || captain.email.toLowerCase() === notice.member.email.toLowerCase()) return undefined;
  return {
    to: captain.email,
    captain_name: captain.name,
    kind: notice.kind,
    fields: notice.fields,
    changes: notice.changes,
    ...(notice.reason ? { reason: notice.reason } : {}),
    revision: notice.revision,
    version: notice.version,
    sequence: notice.sequence,
    event_id: notice.event_id,
  };
}
