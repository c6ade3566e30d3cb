import { SafeHtml, html } from '@charter/shared/html';
import { clockInWords, dateInWords, durationInWords, zoneAbbreviation } from '@charter/shared/time';
import type { CancelledBy } from '@charter/events';
import { MAX_DECLINE_REASON } from './crew-answer';
import { outgoingText, type Cancellation, type CrewEvent } from './crew-event';

/**
 * The page a crew member reaches from their magic link: the charter (crew-safe fields only), who is on the crew and
 * how each answered, and the member's own answer: Confirm, or "I can't make it" with a reason for the captain. Both
 * are plain form posts, so they work without JavaScript (the reason box opens with <details>); the token travels in
 * the form body, not in a Referer. A cancelled charter says so, when and why, and asks nothing.
 */

/** The page carries a token in its URL: no third-party anything, no framing, no indexing. */
export const CREW_PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; " +
    "frame-ancestors 'none'",
  'x-robots-tag': 'noindex, nofollow',
  'x-frame-options': 'DENY',
};

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#123;background:#eef3f7;
overflow-wrap:anywhere}
main{max-width:36rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:.75rem;padding:1rem 1.25rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.eyebrow{margin:0;color:#467;font-size:.85rem;text-transform:uppercase;letter-spacing:.06em}
h1{margin:.25rem 0;font-size:1.6rem;line-height:1.2}
h2{margin:0 0 .5rem;font-size:1.1rem;line-height:1.3}
.when{margin:0;font-weight:600}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem}
dt{color:#467}
dd{margin:0}
.notes{white-space:pre-line;margin:0}
ul{list-style:none;margin:0;padding:0}
li{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.25rem .75rem;padding:.6rem 0;
border-top:1px solid #dde}
/* The status sits beside the name when both fit, and on its own line under the role when not. */
li>span:first-child{flex:1 1 auto}
li:first-child{border-top:0}
.role{color:#467;font-size:.9rem}
.status{white-space:nowrap;font-size:.9rem;color:#775}
li[data-confirmed="true"] .status{color:#175}
li[data-confirmed="true"] .status::before{content:"\\2713  "}
li[data-answer="declined"] .status{color:#a23}
li[data-answer="declined"] .status::before{content:"\\2717  "}
.you{font-weight:600}
button,summary{display:block;width:100%;padding:.9rem;font-family:inherit;font-size:1.1rem;font-weight:600;
text-align:center;border-radius:.5rem;cursor:pointer}
button{color:#fff;background:#157;border:0}
summary{list-style:none;margin-top:.75rem;color:#157;background:#fff;border:2px solid #157}
summary::-webkit-details-marker{display:none}
/* Open, the toggle becomes the heading of the decline form (tapping it again folds the form away). */
details[open] summary{margin:1.25rem 0 .5rem;padding:0;border:0;text-align:left;font-size:1.05rem;color:#a23}
button.decline{background:#a23}
label{display:block;margin:0 0 .35rem;color:#467}
textarea{display:block;width:100%;margin:0 0 .75rem;padding:.6rem;font:inherit;border:1px solid #99a;
border-radius:.5rem}
.done{margin:0;color:#175;font-weight:600}
.declined{margin:0;color:#a23;font-weight:600}
/* Words someone else wrote (the member's reason, the cancellation's), set apart from ours. */
.said{margin:.5rem 0 0;padding-left:.75rem;border-left:3px solid #ccd;color:#345;white-space:pre-line}
.again{margin-top:.75rem}
.cancelled{border-left:.35rem solid #a23;background:#fff5f4}
.cancelled h2{color:#a23;font-size:1.3rem}
.cancelled p{margin:.35rem 0 0}
.was .when{color:#678;text-decoration:line-through}
`;

/** Our own constant stylesheet: no user text in it, so it is inserted as it is. */
const STYLE_HTML = new SafeHtml(STYLE);

function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${STYLE_HTML}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** An instant as the crew read it, in the charter's zone: "May 1, 10:05 AM". */
function momentInWords(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(iso));
}

export interface CrewPageInput {
  event: CrewEvent;
  /** The crew member the link belongs to. */
  memberId: string;
  /** The link's token, posted back by the forms. */
  token: string;
  /** Where Confirm posts: `/crew/<event_id>/confirm` under whatever stage path the page was served from. */
  confirmAction?: string;
  /** Where "I can't make it" posts: `/crew/<event_id>/decline`, likewise. */
  declineAction?: string;
}

const BECAUSE: Record<CancelledBy, string> = {
  guest: ' by the guest',
  operator: ' by the operator',
  partner: ' by the booking platform',
  weather: ' because of the weather',
  other: '',
};

function cancelledCard(cancellation: Cancellation, timeZone: string): SafeHtml {
  const by = cancellation.cancelled_by ? BECAUSE[cancellation.cancelled_by] : '';
  const when = momentInWords(cancellation.cancelled_at, timeZone);
  return html`<section class="card cancelled" id="cancelled" data-cancelled-at="${cancellation.cancelled_at}">
<h2>This charter was cancelled</h2>
<p id="cancelled-when">Cancelled on ${when}${by}.</p>
${cancellation.reason ? html`<p class="said" id="cancel-reason">${cancellation.reason}</p>` : ''}
<p>You don't need to come: nothing more to do.</p>
</section>
`;
}

/** Each member's answer as the crew list shows it; a cancelled charter asks nothing, so it shows none. */
function crewRows(event: CrewEvent, memberId: string): SafeHtml[] {
  const live = event.lifecycle !== 'cancelled';
  return event.crew.map((member) => {
    const confirmed = live ? event.confirmations[member.member_id] : undefined;
    const declined = live ? event.declines[member.member_id] : undefined;
    const answer = confirmed ? 'confirmed' : declined ? 'declined' : 'none';
    const status = confirmed
      ? `Confirmed ${momentInWords(confirmed, event.timezone)}`
      : declined
        ? "Can't make it"
        : 'Not confirmed yet';
    const isYou = member.member_id === memberId;
    const youClass = isYou ? html` class="you"` : '';
    const name = isYou ? `${member.name} (you)` : member.name;
    const attributes = html`data-member-id="${member.member_id}" data-confirmed="${confirmed ? 'true' : 'false'}"`;
    return html`<li ${attributes} data-answer="${answer}"${youClass}>
<span><span class="name">${name}</span><br><span class="role">${member.role}</span></span>
${live ? html`<span class="status">${status}</span>` : ''}
</li>
`;
  });
}

const youConfirmed = (when: string) => `You confirmed on ${when}. See you on board.`;
const youCantMakeIt = (when: string) => `You said you can't make it (${when}). The captain has been told.`;

/** The member's own answer: what they said, and the forms to say it (or the other thing). */
function yourAnswer(
  input: CrewPageInput & { confirmAction: string; declineAction: string },
  reason: string | undefined,
): SafeHtml {
  const { event, memberId, token } = input;
  const you = event.crew.find((member) => member.member_id === memberId);
  const confirmed = event.confirmations[memberId];
  const declined = event.declines[memberId];
  const answer = confirmed ? 'confirmed' : declined ? 'declined' : 'none';
  const heading = !you
    ? 'Your answer'
    : confirmed
      ? `Thanks, ${you.name}`
      : declined
        ? `Thanks for telling us, ${you.name}`
        : `${you.name}, are you on board?`;
  const tokenField = html`<input type="hidden" name="token" value="${token}">`;
  const at = (iso: string) => momentInWords(iso, event.timezone);
  const said = confirmed
    ? html`<p class="done" id="confirmed" data-confirmed="true">${youConfirmed(at(confirmed))}</p>`
    : declined
      ? html`<p class="declined" id="declined" data-declined="true">${youCantMakeIt(at(declined.at))}</p>
${reason ? html`<p class="said" id="your-reason">${reason}</p>` : ''}`
      : '';
  const confirmForm = confirmed
    ? ''
    : html`<form method="post" action="${input.confirmAction}" id="confirm-form"${declined ? html` class="again"` : ''}>
${tokenField}
<button type="submit" id="confirm">${declined ? 'I can make it after all' : "Confirm I'll be there"}</button>
</form>`;
  const declineForm = declined
    ? ''
    : html`<details id="decline-details">
<summary id="decline">I can't make it</summary>
<form method="post" action="${input.declineAction}" id="decline-form">
${tokenField}
<label for="decline-reason">Anything the captain should know? (optional)</label>
<textarea id="decline-reason" name="reason" rows="3" maxlength="${MAX_DECLINE_REASON}"></textarea>
<button type="submit" id="send-decline" class="decline">Tell the captain</button>
</form>
</details>`;
  return html`<section class="card" id="your-confirmation" data-member-id="${memberId}" data-answer="${answer}">
<h2>${heading}</h2>
${said}
${confirmForm}
${declineForm}
</section>`;
}

export function renderCrewPage(input: CrewPageInput): string {
  const { event, memberId } = input;
  const when = `${clockInWords(event.charter_start)} – ${clockInWords(event.charter_end)} ${zoneAbbreviation(event)}`;
  // Every text was scrubbed when stored; it is scrubbed again on the way out (text written before a rule, or by hand).
  const text = outgoingText(event);
  const cancelled = event.lifecycle === 'cancelled' && text.cancellation ? text.cancellation : undefined;
  const notes = text.notes ?? '';
  const crewNotes = text.crew_notes ?? '';
  const notesCard = (title: string, id: string, text: string) =>
    text ? html`<section class="card"><h2>${title}</h2><p class="notes" id="${id}">${text}</p></section>` : '';
  const eventPath = `/crew/${encodeURIComponent(event.event_id)}`;
  const actions = {
    confirmAction: input.confirmAction ?? `${eventPath}/confirm`,
    declineAction: input.declineAction ?? `${eventPath}/decline`,
  };

  // A cancelled charter's date and time are struck through: what it was, not what happens.
  const header = cancelled ? 'card was' : 'card';
  const body = html`${cancelled ? cancelledCard(cancelled, event.timezone) : ''}<section class="${header}">
<p class="eyebrow">Crew event · ${event.booking_id}</p>
<h1>${text.vessel}</h1>
<p class="when">${dateInWords(event.charter_date)}</p>
<p class="when">${when} (${durationInWords(event.charter_start, event.charter_end)})</p>
</section>
<section class="card">
<dl>
<dt>Where</dt><dd>${text.location}</dd>
<dt>Guests</dt><dd id="guest-count">${event.guest_count}</dd>
<dt>Time zone</dt><dd>${event.timezone}</dd>
</dl>
</section>
${notesCard('Notes', 'notes', notes)}
${notesCard('Crew notes', 'crew-notes', crewNotes)}
<section class="card">
<h2>Crew</h2>
<ul id="crew">
${crewRows(event, memberId)}</ul>
</section>
${cancelled ? '' : yourAnswer({ ...input, ...actions }, text.declineReason(memberId))}`;

  const title = `${text.vessel} · ${dateInWords(event.charter_date)} · Crew`;
  return page(cancelled ? `Cancelled: ${title}` : title, body);
}

/** The page for a link that does not work, or an answer that cannot be given: what happened, no event details. */
export function renderCrewErrorPage(statusCode: number, message: string, code?: string): string {
  const heading =
    code === 'cancelled'
      ? 'This charter was cancelled'
      : statusCode === 401
        ? 'This crew link does not work'
        : statusCode === 403
          ? 'This link is not for this crew event'
          : statusCode === 404
            ? 'Crew event not found'
            : statusCode >= 500
              ? 'Something went wrong on our side'
              : 'This request could not be completed';
  const linkProblem = [401, 403, 404].includes(statusCode);
  const body = html`<section class="card" id="error" data-status="${statusCode}">
<p class="eyebrow">Crew event</p>
<h1>${heading}</h1>
<p>${message}</p>
${linkProblem ? html`<p>Ask the captain to send you a fresh link.</p>` : ''}
</section>`;
  return page(heading, body);
}
