import { SafeHtml, html } from '@charter/shared/html';
import { clockInWords, dateInWords, durationInWords, zoneAbbreviation } from '@charter/shared/time';
import type { CrewEvent } from './crew-event';
import { redactMoney } from './redaction';

/**
 * The page a crew member reaches from their magic link: the charter (crew-safe fields only), who
 * is on the crew and who has confirmed, and a Confirm button. The button is a plain form post
 * so it works without JavaScript; the token travels in the form body, not in a Referer.
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
.you{font-weight:600}
button{width:100%;padding:.9rem;font-family:inherit;font-size:1.1rem;font-weight:600;color:#fff;background:#157;
border:0;border-radius:.5rem}
.done{margin:0;color:#175;font-weight:600}
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

function confirmedAt(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(iso));
}

const yourConfirmationNote = (at: string, event: CrewEvent) =>
  `You confirmed on ${confirmedAt(at, event.timezone)}. See you on board.`;

export interface CrewPageInput {
  event: CrewEvent;
  /** The crew member the link belongs to. */
  memberId: string;
  /** The link's token, posted back by the Confirm form. */
  token: string;
  /** Where the Confirm form posts: `/crew/<event_id>/confirm` under whatever stage path the page was served from. */
  confirmAction?: string;
}

export function renderCrewPage({ event, memberId, token, confirmAction }: CrewPageInput): string {
  const times = event;
  const when = `${clockInWords(times.charter_start)} – ${clockInWords(times.charter_end)} ${zoneAbbreviation(times)}`;
  const you = event.crew.find((member) => member.member_id === memberId);
  const yourConfirmation = event.confirmations[memberId];
  // Notes were redacted when stored; redacting again on the way out costs nothing and means a
  // note written into the table by hand still cannot show money.
  const notes = event.notes ? redactMoney(event.notes) : '';
  const action = confirmAction ?? `/crew/${encodeURIComponent(event.event_id)}/confirm`;

  const crewRows = event.crew.map((member) => {
    const at = event.confirmations[member.member_id];
    const isYou = member.member_id === memberId;
    const youClass = isYou ? html` class="you"` : '';
    const name = isYou ? `${member.name} (you)` : member.name;
    return html`<li data-member-id="${member.member_id}" data-confirmed="${at ? 'true' : 'false'}"${youClass}>
<span><span class="name">${name}</span><br><span class="role">${member.role}</span></span>
<span class="status">${at ? `Confirmed ${confirmedAt(at, event.timezone)}` : 'Not confirmed yet'}</span>
</li>
`;
  });

  const yourPart = yourConfirmation
    ? html`<p class="done" id="confirmed" data-confirmed="true">${yourConfirmationNote(yourConfirmation, event)}</p>`
    : html`<form method="post" action="${action}" id="confirm-form">
<input type="hidden" name="token" value="${token}">
<button type="submit" id="confirm">Confirm I'll be there</button>
</form>`;

  const body = html`<section class="card">
<p class="eyebrow">Crew event · ${event.booking_id}</p>
<h1>${event.vessel}</h1>
<p class="when">${dateInWords(event.charter_date)}</p>
<p class="when">${when} (${durationInWords(event.charter_start, event.charter_end)})</p>
</section>
<section class="card">
<dl>
<dt>Where</dt><dd>${event.location}</dd>
<dt>Guests</dt><dd id="guest-count">${event.guest_count}</dd>
<dt>Time zone</dt><dd>${event.timezone}</dd>
</dl>
</section>
${notes ? html`<section class="card"><h2>Notes</h2><p class="notes" id="notes">${notes}</p></section>` : ''}
<section class="card">
<h2>Crew</h2>
<ul id="crew">
${crewRows}</ul>
</section>
<section class="card" id="your-confirmation" data-member-id="${memberId}">
<h2>${!you ? 'Your confirmation' : yourConfirmation ? `Thanks, ${you.name}` : `${you.name}, are you on board?`}</h2>
${yourPart}
</section>`;

  return page(`${event.vessel} · ${dateInWords(event.charter_date)} · Crew`, body);
}

/** The page for a link that does not work: what happened and what to do, no event details. */
export function renderCrewErrorPage(statusCode: number, message: string): string {
  const heading =
    statusCode === 401
      ? 'This crew link does not work'
      : statusCode === 403
        ? 'This link is not for this crew event'
        : statusCode === 404
          ? 'Crew event not found'
          : statusCode >= 500
            ? 'Something went wrong on our side'
            : 'This request could not be completed';
  const body = html`<section class="card" id="error" data-status="${statusCode}">
<p class="eyebrow">Crew event</p>
<h1>${heading}</h1>
<p>${message}</p>
${statusCode < 500 ? html`<p>Ask the captain to send you a fresh link.</p>` : ''}
</section>`;
  return page(heading, body);
}
