import { createHash } from 'node:crypto';
import { SafeHtml, html } from '@charter/shared/html';
import { CONSOLE_SCRIPT, CONSOLE_STYLE } from './console-assets';

/**
 * The operator's console: one self-contained page. It carries no data (every booking is read with the dashboard
 * token the page asks for), so it is the same for everyone and computed once.
 */
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

if (/<\/(script|style)/i.test(CONSOLE_SCRIPT + CONSOLE_STYLE))
  throw new Error('console assets must not close their own element');

/**
 * Only the page's own style and script (by hash), its icon as a data: URI, and requests to its own origin (the ops
 * API): a token in sessionStorage has nowhere else to go. Nothing may frame the page, and it is never indexed.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(CONSOLE_SCRIPT)}`,
  `style-src ${sha256(CONSOLE_STYLE)}`,
  'img-src data:',
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#15364f"/>' +
  '<path d="M33 10v32H16z" fill="#e2f3e8"/><path d="M10 46h44l-6 8H16z" fill="#fff"/></svg>';
const FAVICON = `data:image/svg+xml;base64,${Buffer.from(ICON_SVG).toString('base64')}`;

const PAGE = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Charter ops</title>
<link rel="icon" href="${FAVICON}">
<style>${new SafeHtml(CONSOLE_STYLE)}</style>
</head>
<body>
<header class="top">
<div class="brand">Charter ops <span>console</span></div>
<button type="button" id="sign-out" hidden>Sign out</button>
</header>
<main>
<section id="sign-in" class="card" hidden>
<h1>Dashboard token</h1>
<p class="fine">The console reads the bookings with this stage's dashboard token
(<code>charter/&lt;stage&gt;/dashboard-token</code>). It is kept in this tab only and forgotten when the tab closes.</p>
<form id="token-form" autocomplete="off">
<label for="token">Dashboard token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
<p id="token-error" class="problem" role="alert" hidden></p>
<p><button type="submit" class="primary">Open the console</button></p>
</form>
</section>
<div id="app" hidden>
<div id="alerts" aria-live="polite"></div>
<section id="week">
<div class="week-head">
<h1>Coming charters</h1>
<div class="week-nav">
<button type="button" id="prev" aria-label="Previous week">&#8249;</button>
<span id="range-label"></span>
<button type="button" id="next" aria-label="Next week">&#8250;</button>
<button type="button" id="this-week">Today</button>
</div>
</div>
<p class="summary" id="summary"></p>
<div id="days"></div>
<h2>Dead letters <span id="letter-count"></span></h2>
<div class="card" id="letter-list"></div>
<h2>Partner sync</h2>
<div class="card" id="partner-list"></div>
</section>
<section id="booking" hidden>
<p class="back"><button type="button" id="back">&#8592; Coming charters</button></p>
<div id="booking-view"></div>
</section>
</div>
</main>
<script>${new SafeHtml(CONSOLE_SCRIPT)}</script>
</body>
</html>
`.toString();

export const renderConsole = (): string => PAGE;
