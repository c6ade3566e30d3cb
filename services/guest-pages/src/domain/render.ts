import { createHash } from 'node:crypto';
import { SafeHtml, html, jsonForScript } from '@charter/shared/html';
import { charterEndsAt, clockInWords, dateInWords, durationInWords, zoneAbbreviation } from '@charter/shared/time';
import { PAGE_SCRIPT, PAGE_STYLE } from './page-assets';
import type { PageFacts, PageView } from './page-state';
import { MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, UPLOAD_TYPES, uploadWindow, type UploadLimits } from './uploads';

/** What the page needs besides the booking: where it uploads and the token that lets it. */
export interface GuestPageSettings {
  /** Base URL of the HTTP API that answers POST /g/presign. */
  apiUrl: string;
  /** Any URL on the origin presigned POSTs go to (the uploads bucket's S3 endpoint). */
  uploadsUrl: string;
  /** The booking's upload token (see upload-token.ts). */
  uploadToken: string;
  /** When uploads open and close: the stage's settings, the same presign applies. */
  uploadLimits: Pick<UploadLimits, 'opensDaysBefore' | 'graceHours'>;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const SCRIPT_HASH = sha256(PAGE_SCRIPT);
const STYLE_HASH = sha256(PAGE_STYLE);

if (/<\/(script|style)/i.test(PAGE_SCRIPT + PAGE_STYLE))
  throw new Error('page assets must not close their own element');

/**
 * Only this page's own style and script (by hash), icons as data: URIs, and network access to
 * the API and the uploads bucket and nothing else. `frame-ancestors` cannot be set from a meta
 * tag; the page holds nothing worth clickjacking.
 */
export function contentSecurityPolicy(connectOrigins: readonly string[]): string {
  const origins = [...new Set(connectOrigins)].join(' ');
  return [
    "default-src 'none'",
    `script-src ${SCRIPT_HASH}`,
    `style-src ${STYLE_HASH}`,
    'img-src data:',
    `connect-src ${origins}`,
    `form-action ${origins}`,
    "base-uri 'none'",
  ].join('; ');
}

/** A cancelled page runs no script and talks to nobody: only its own style, by hash. */
export const CANCELLED_PAGE_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  'img-src data:',
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * An instant in words at the marina: "Monday, March 1, 2027 at 8:05 AM PST" (the zone named as it was then), so a
 * guest reads when something happened in the charter's own time, whatever zone their phone is in.
 */
export function instantInWords(instant: string, timeZone: string): string {
  const at = new Date(instant);
  const date = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'full' }).format(at);
  const clock = { timeZone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' } as const;
  // ICU writes a narrow no-break space before AM/PM; the page writes plain spaces everywhere else.
  const time = new Intl.DateTimeFormat('en-US', clock).format(at).replace(/\s+/g, ' ');
  return `${date} at ${time}`;
}

/** "1:00 PM PDT on Friday, May 31, 2024": when uploads open or close, as the page words it. */
function timeOnDateInWords(instant: Date, timeZone: string): string {
  const date = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'full' }).format(instant);
  const clock = { timeZone, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' } as const;
  return `${new Intl.DateTimeFormat('en-US', clock).format(instant).replace(/\s+/g, ' ')} on ${date}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const MB = 1024 * 1024;

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#15364f"/>' +
  '<path d="M33 10v32H16z" fill="#b98a3c"/><path d="M36 16v26h13z" fill="#ead5ab"/>' +
  '<path d="M10 46h44l-6 8H16z" fill="#fff"/></svg>';
/** base64, so the page holds no URL text but the API's and the bucket's. */
const FAVICON = `data:image/svg+xml;base64,${Buffer.from(ICON_SVG).toString('base64')}`;

const BOAT_MARK = new SafeHtml(
  '<svg class="mark" viewBox="0 0 48 48" aria-hidden="true" focusable="false">' +
    '<path d="M24 5v28H9z" fill="currentColor"/>' +
    '<path d="M27 10v23h12z" fill="currentColor" opacity=".65"/><path d="M5 36h38l-5 6.5H10z" fill="#fff"/></svg>',
);
const WAVE = new SafeHtml(
  '<svg class="wave" viewBox="0 0 1200 40" preserveAspectRatio="none" aria-hidden="true" focusable="false">' +
    '<path d="M0 22C150 44 330 2 600 20s450 20 600-2V40H0z"/></svg>',
);
const CAMERA = new SafeHtml(
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
    '<path d="M4 8h3l2-3h6l2 3h3v11H4z"/><circle cx="12" cy="13" r="3.5"/></svg>',
);

/** The charter's date and times in words, as every part of a page writes them. */
function charterInWords(facts: PageFacts) {
  const zone = zoneAbbreviation(facts);
  const date = dateInWords(facts.charter_date);
  const start = clockInWords(facts.charter_start);
  const end = clockInWords(facts.charter_end);
  // In the narrow fact column, wrap only at the dash: "10:00 AM –" / "1:00 PM PDT".
  const unbroken = (text: string) => text.replace(/ /g, '\u00a0');
  return {
    zone,
    date,
    start,
    end,
    times: `${start} – ${end} ${zone}`,
    timesInColumn: `${unbroken(start)} – ${unbroken(`${end} ${zone}`)}`,
    duration: durationInWords(facts.charter_start, facts.charter_end),
  };
}

/** The document around a page's body: meta tags (its CSP among them), title, the one style sheet. */
const documentOf = (page: { title: string; csp: string; body: SafeHtml }) => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="theme-color" content="#0f2a3f">
<title>${page.title}</title>
<link rel="icon" href="${FAVICON}">
<style>${new SafeHtml(PAGE_STYLE)}</style>
</head>
${page.body}
</html>
`;

/** The top of every page: the vessel, and the charter's date and times (under a badge when it is cancelled). */
const heroOf = (
  facts: PageFacts,
  words: ReturnType<typeof charterInWords>,
  badge?: string,
) => html`<header class="hero">
${BOAT_MARK}
<p class="eyebrow">Your charter aboard</p>
<h1>${facts.vessel}</h1>
<p class="when">${words.date}<span>${words.times}</span></p>
${
  badge
    ? html`<p class="badge" id="status-badge">${badge}</p>
`
    : ''
}${WAVE}
</header>`;

/** The charter at a glance. */
const factsOf = (facts: PageFacts, words: ReturnType<typeof charterInWords>, heading: string) => html`\
<section class="card" aria-labelledby="details-heading">
<h2 id="details-heading">${heading}</h2>
<dl class="facts">
<div><dt>Date</dt><dd id="charter-date">${words.date}</dd></div>
<div><dt>Time</dt><dd id="charter-time">${words.timesInColumn}</dd></div>
<div><dt>Duration</dt><dd id="charter-duration">${words.duration}</dd></div>
<div><dt>Guests</dt><dd id="charter-guests">${plural(facts.guest_count, 'guest', 'guests')}</dd></div>
<div><dt>Vessel</dt><dd id="charter-vessel">${facts.vessel}</dd></div>
<div><dt>Meet at</dt><dd id="charter-location">${facts.location}</dd></div>
</dl>
</section>`;

/**
 * One self-contained HTML page for a booking's guests, from the booking's item as it stands: while the booking is
 * live, the charter at a glance, a few words before they sail and the photo-upload widget, open until the charter
 * ends at the marina; once it is cancelled, that it was cancelled, when, and whom to ask, with no widget and no
 * script. Every booking value is escaped text; nothing loads from anywhere else.
 */
export function renderGuestPage(view: PageView, settings: GuestPageSettings): string {
  return view.status === 'cancelled' ? renderCancelledPage(view) : renderLivePage(view, settings);
}

function renderLivePage(facts: PageFacts, settings: GuestPageSettings): string {
  const apiUrl = settings.apiUrl.replace(/\/+$/, '');
  const csp = contentSecurityPolicy([new URL(apiUrl).origin, new URL(settings.uploadsUrl).origin]);
  const words = charterInWords(facts);
  const { date, start } = words;
  const window = uploadWindow(facts, settings.uploadLimits);
  const opens = timeOnDateInWords(window.opensAt, facts.timezone);
  const closes = timeOnDateInWords(window.closesAt, facts.timezone);
  // The widget's clock: the window presign applies (opens, closes) and the charter's end (the page says thank you).
  const config = {
    bookingId: facts.booking_id,
    presignUrl: `${apiUrl}/g/presign`,
    uploadToken: settings.uploadToken,
    opensAt: window.opensAt.toISOString(),
    endsAt: charterEndsAt(facts).toISOString(),
    closesAt: window.closesAt.toISOString(),
    types: extensionTypes(),
  };
  const accept = [...Object.keys(UPLOAD_TYPES), ...Object.keys(extensionTypes()).map((e) => `.${e}`)].join(',');
  const guestName = facts.guest_first_name;

  const body = html`<body>
${heroOf(facts, words)}
<main>
<p class="greeting" id="greeting-before">Hi ${guestName}, we’re looking forward to welcoming you aboard.</p>
<p class="greeting" id="greeting-after" hidden>\
Hi ${guestName}, thank you for sailing with us aboard ${facts.vessel}.</p>

${factsOf(facts, words, 'Your charter')}

<section class="card tips" id="tips" aria-labelledby="tips-heading">
<h2 id="tips-heading">Before you sail</h2>
<ul>
<li>Please arrive 15 minutes before ${start} so we can leave on time.</li>
<li>Bring a layer: it is cooler on the water than on the dock.</li>
<li>Soft-soled shoes are kindest to the deck and steadiest underfoot.</li>
</ul>
</section>

<section class="card photos" aria-labelledby="photos-heading">
<h2 id="photos-heading">Share your photos</h2>
<div id="uploads-open">
<p class="lead">Add your photos and videos from the day, and share this page with your party so they can too. \
Uploads stay open until ${closes}.</p>
<input class="visually-hidden" type="file" id="photo-input" multiple accept="${accept}">
<label class="button" for="photo-input">${CAMERA}Choose photos or videos</label>
<p class="fine">Photos up to ${MAX_IMAGE_BYTES / MB} MB, videos up to ${MAX_VIDEO_BYTES / MB} MB.</p>
<div class="current" id="upload-current" hidden>
<div class="current-line"><span id="upload-name"></span><span id="upload-percent">0%</span></div>
<progress id="upload-progress" max="1" value="0">0%</progress>
</div>
<p class="problem" id="upload-error" role="alert" hidden></p>
</div>
<p class="closed" id="uploads-not-open" hidden><strong>Photo uploads open at ${opens}.</strong>\
Come back then to share your photos and videos; uploads stay open until ${closes}.</p>
<p class="closed" id="uploads-closed" hidden><strong>Photo uploads are closed.</strong>\
They closed at ${closes}, after your charter.</p>
<p class="done-heading" id="uploaded-heading" hidden>Uploaded from this device</p>
<ul id="uploaded" aria-live="polite"></ul>
</section>
</main>
${footerOf(facts, 'See you on the water.')}
<script type="application/json" id="upload-config">${jsonForScript(config)}</script>
<script>${new SafeHtml(PAGE_SCRIPT)}</script>
</body>`;
  return documentOf({ title: `Your charter aboard ${facts.vessel} · ${date}`, csp, body }).value;
}

/**
 * The page of a cancelled booking, at the same address: that it was cancelled and when (in the charter's zone, in
 * words), what was booked (so the guest knows which charter), and to ask the company they booked with. Not the
 * partner's reason: it is free text written for the partner's records, not for guests.
 */
function renderCancelledPage(view: PageFacts & { cancelled_at: string }): string {
  const words = charterInWords(view);
  const cancelledAt = instantInWords(view.cancelled_at, view.timezone);
  const body = html`<body class="is-cancelled">
${heroOf(view, words, 'Cancelled')}
<main>
<p class="greeting" id="greeting-cancelled">Hi ${view.guest_first_name}, we’re sorry: \
your charter aboard ${view.vessel} on ${words.date} has been cancelled.</p>

<section class="card notice" id="cancellation" aria-labelledby="cancellation-heading">
<h2 id="cancellation-heading">This charter was cancelled</h2>
<p id="cancelled-at">It was cancelled on ${cancelledAt}.</p>
<p id="cancelled-contact">Questions, or hoping to rebook? Contact the company you booked with and give them \
booking reference <strong>${view.booking_id}</strong>.</p>
</section>

${factsOf(view, words, 'What was booked')}
</main>
${footerOf(view, 'We hope to welcome you aboard another day.')}
</body>`;
  return documentOf({
    title: `Cancelled: your charter aboard ${view.vessel} · ${words.date}`,
    csp: CANCELLED_PAGE_POLICY,
    body,
  }).value;
}

const footerOf = (facts: PageFacts, farewell: string) => html`<footer>
<p>Booking reference ${facts.booking_id}</p>
<p>${farewell}</p>
</footer>`;

/** Extension -> type, for phones whose browser leaves File.type empty (HEIC on some Androids). */
function extensionTypes(): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [type, { extensions }] of Object.entries(UPLOAD_TYPES))
    for (const extension of extensions) map[extension] = type;
  return map;
}
