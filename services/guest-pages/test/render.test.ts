import { createHash } from 'node:crypto';
import { firstName } from '../src/domain/page-state';
import { CANCELLED_PAGE_POLICY, contentSecurityPolicy, instantInWords, renderGuestPage } from '../src/domain/render';
import { DEFAULT_UPLOAD_LIMITS } from '../src/domain/uploads';
import { API_URL, TOKEN, UPLOADS_URL, cancelledView, liveView, sampleBooking } from './support/bookings';

const settings = { apiUrl: API_URL, uploadsUrl: UPLOADS_URL, uploadToken: TOKEN, uploadLimits: DEFAULT_UPLOAD_LIMITS };
const render = (...args: Parameters<typeof sampleBooking>) => renderGuestPage(liveView(...args), settings);

const decode = (text: string) =>
  text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
/** Text of the page with tags removed and entities decoded: what a guest reads. */
const visibleText = (page: string) =>
  decode(page.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const elementText = (page: string, id: string) => {
  const match = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page);
  if (!match) throw new Error(`no element #${id}`);
  return visibleText(match[2]!).trim();
};
const cspOf = (page: string) => {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page);
  if (!match) throw new Error('no CSP meta tag');
  return Object.fromEntries(
    decode(match[1]!)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values]),
  );
};
const inline = (page: string, tag: 'script' | 'style') =>
  [...page.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => ({
    attributes: m[1] ?? '',
    body: m[2]!,
  }));
const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const uploadConfig = (page: string) => {
  const [config] = inline(page, 'script').filter((s) => s.attributes.includes('application/json'));
  return JSON.parse(config!.body) as {
    bookingId: string;
    presignUrl: string;
    uploadToken: string;
    opensAt: string;
    endsAt: string;
    closesAt: string;
    types: Record<string, string>;
  };
};

describe('renderGuestPage', () => {
  const page = render();

  it('shows the charter: date in words, start and end with the zone, duration, guests, vessel, location', () => {
    expect(elementText(page, 'charter-date')).toBe('Thursday, May 30, 2024');
    expect(elementText(page, 'charter-time')).toBe('10:00 AM – 1:00 PM PDT');
    expect(elementText(page, 'charter-duration')).toBe('3 hours');
    expect(elementText(page, 'charter-guests')).toBe('4 guests');
    expect(elementText(page, 'charter-vessel')).toBe('JADA');
    expect(elementText(page, 'charter-location')).toBe('Shelter Island, San Diego');
  });

  it('puts the vessel and the date at the top of the page', () => {
    expect(elementText(page, 'charter-date')).toBe('Thursday, May 30, 2024');
    const hero = /<header class="hero">([\s\S]*?)<\/header>/.exec(page)![1]!;
    expect(visibleText(/<h1>([\s\S]*?)<\/h1>/.exec(hero)![1]!).trim()).toBe('JADA');
    expect(visibleText(hero)).toContain('Thursday, May 30, 2024');
  });

  it('greets the guest by first name', () => {
    expect(visibleText(page)).toContain('Hi Dana, we’re looking forward');
    expect(firstName('  Marco   Ibáñez ')).toBe('Marco');
  });

  it('names the zone the charter is in, in its season', () => {
    const winterInNewYork = render('boatsetter-xhqgmdh', { charter_date: '2025-01-15', timezone: 'America/New_York' });
    expect(elementText(winterInNewYork, 'charter-time')).toBe('10:00 AM – 1:00 PM EST');
    expect(elementText(winterInNewYork, 'charter-date')).toBe('Wednesday, January 15, 2025');
  });

  it('words a partial-hour duration and a single guest', () => {
    const page = render('direct-2027-sunset', { guest_count: 1 });
    expect(elementText(page, 'charter-duration')).toBe('2 hours 30 minutes');
    expect(elementText(page, 'charter-guests')).toBe('1 guest');
    expect(elementText(page, 'charter-time')).toBe('6:30 PM – 9:00 PM PDT');
  });

  it('escapes a hostile guest name, vessel and location: they are only ever text', () => {
    const hostile = render('boatsetter-xhqgmdh', {
      guest: { name: '<script>alert("name")</script> Smith' },
      vessel: '"><img src=x onerror=alert(1)>',
      location: "Pier 1' onmouseover='alert(2)",
    });
    expect(hostile).not.toContain('<script>alert');
    expect(hostile).not.toContain('<img');
    expect(hostile).not.toContain("' onmouseover='");
    expect(hostile).toContain('Hi &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;,');
    expect(elementText(hostile, 'charter-vessel')).toBe('"><img src=x onerror=alert(1)>');
    // Only our two script elements: the upload settings (data) and the widget.
    expect(inline(hostile, 'script')).toHaveLength(2);
  });

  it('keeps a hostile booking id inside its JSON block', () => {
    // Booking ids are restricted by the schema; this checks the embedding itself.
    const page = renderGuestPage({ ...liveView(), booking_id: '</script><script>alert(1)</script>' }, settings);
    expect(inline(page, 'script')).toHaveLength(2);
    expect(uploadConfig(page).bookingId).toBe('</script><script>alert(1)</script>');
  });

  it('shows no money, contact details or notes, even when the booking carries them', () => {
    const booking = sampleBooking();
    expect(booking.revenue_cents).toBe(145000);
    expect(booking.notes).toContain('$1,450.00');
    for (const secret of [
      '$',
      '1,450',
      '1450',
      '145000',
      '30000',
      '300',
      'USD',
      'payout',
      'Captain fee',
      'Revenue',
      'cake',
      'whale',
      booking.guest.email!,
      booking.guest.phone!,
      'Whitfield',
    ]) {
      expect(visibleText(page)).not.toContain(secret);
    }
    expect(page).not.toContain('$');
    expect(page).not.toContain('145000');
    expect(page).not.toContain('dana.whitfield@example.com');
  });

  it('carries a Content-Security-Policy that allows only itself, the API and the uploads bucket', () => {
    const csp = cspOf(page);
    const [style] = inline(page, 'style');
    const [script] = inline(page, 'script').filter((s) => s.attributes === '');
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual([hash(script!.body)]);
    expect(csp['style-src']).toEqual([hash(style!.body)]);
    expect(csp['img-src']).toEqual(['data:']);
    const origins = [
      'https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com',
      'https://charter-guest-uploads-test.s3.us-west-2.amazonaws.com',
    ];
    expect(csp['connect-src']).toEqual(origins);
    expect(csp['form-action']).toEqual(origins);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(Object.values(csp).flat()).not.toContain("'unsafe-inline'");
    expect(Object.values(csp).flat()).not.toContain('*');
  });

  it('allows a local, path-style uploads endpoint by its origin', () => {
    const local = renderGuestPage(liveView(), {
      ...settings,
      apiUrl: 'http://127.0.0.1:4700',
      uploadsUrl: 'http://127.0.0.1:4705/charter-guest-uploads-local',
    });
    expect(cspOf(local)['connect-src']).toEqual(['http://127.0.0.1:4700', 'http://127.0.0.1:4705']);
    expect(contentSecurityPolicy(['http://a', 'http://a'])).toContain('connect-src http://a;');
  });

  it('makes no request anywhere: no external script, style, font, image or frame; no URL but API and bucket', () => {
    for (const [, value] of page.matchAll(/\s(?:src|href|action|poster|srcset)="([^"]*)"/g)) {
      expect(value).toMatch(/^(data:|#)/);
    }
    expect(page).not.toMatch(/<(iframe|img|object|embed|video|audio|link rel="stylesheet"|base)\b/i);
    expect(page).not.toMatch(/@import|url\(/i);
    const urls = [...page.matchAll(/(?:https?:)?\/\/[A-Za-z0-9.-]+(?::\d+)?/g)].map((m) => m[0]);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect([
        'https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com',
        'https://charter-guest-uploads-test.s3.us-west-2.amazonaws.com',
      ]).toContain(url);
    }
  });

  it('embeds what the widget needs: booking id, presign URL, upload token, the window and the end', () => {
    const config = uploadConfig(page);
    expect(config.bookingId).toBe('xhqgmdh');
    expect(config.presignUrl).toBe(`${API_URL}/g/presign`);
    expect(config.uploadToken).toBe(TOKEN);
    // Midnight PDT (UTC-7) the day before; the end, 13:00 PDT; and a day after it.
    expect(config.opensAt).toBe('2024-05-29T07:00:00.000Z');
    expect(config.endsAt).toBe('2024-05-30T20:00:00.000Z');
    expect(config.closesAt).toBe('2024-05-31T20:00:00.000Z');
    expect(config.types.heic).toBe('image/heic');
    expect(config.types.mov).toBe('video/quicktime');
  });

  it('has the widget’s stable hooks: #photo-input, #uploaded, and a hidden #uploads-closed', () => {
    expect(page).toMatch(
      /<input [^>]*type="file" id="photo-input" multiple accept="[^"]*image\/jpeg[^"]*video\/quicktime[^"]*"/,
    );
    expect(page).toMatch(/<ul id="uploaded"/);
    expect(page).toMatch(/<p class="closed" id="uploads-closed" hidden>/);
    expect(page).toMatch(/<progress id="upload-progress"/);
    expect(elementText(page, 'uploads-closed')).toContain('closed at 1:00 PM PDT on Friday, May 31, 2024');
    expect(page).toMatch(/<p class="closed" id="uploads-not-open" hidden>/);
    expect(elementText(page, 'uploads-not-open')).toContain(
      'Photo uploads open at 12:00 AM PDT on Wednesday, May 29, 2024.',
    );
    expect(elementText(page, 'uploads-open')).toContain('Uploads stay open until 1:00 PM PDT on Friday, May 31, 2024.');
  });

  it('is a phone-ready, unindexed, self-contained document', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">');
    expect(page).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(page).toContain('<meta name="referrer" content="no-referrer">');
    expect(Buffer.byteLength(page)).toBeLessThan(32 * 1024);
  });

  it('renders the same bytes for the same booking, so a re-delivery rewrites the same page', () => {
    expect(render()).toBe(page);
  });
});

describe('instantInWords: when something happened, at the marina', () => {
  it.each([
    ['2027-03-01T16:05:00Z', 'America/Los_Angeles', 'Monday, March 1, 2027 at 8:05 AM PST'],
    ['2027-07-04T02:30:00Z', 'America/Los_Angeles', 'Saturday, July 3, 2027 at 7:30 PM PDT'],
    ['2027-01-01T05:00:00Z', 'America/New_York', 'Friday, January 1, 2027 at 12:00 AM EST'],
    ['2027-06-15T12:00:00.000Z', 'America/New_York', 'Tuesday, June 15, 2027 at 8:00 AM EDT'],
  ])('%s in %s is %s', (instant, zone, words) => {
    expect(instantInWords(instant, zone)).toBe(words);
  });
});

describe('renderGuestPage for a cancelled booking', () => {
  // The GetMyBoat sample, cancelled at 2027-03-01T16:05:00Z (8:05 AM PST) for its charter of March 2.
  const page = renderGuestPage(cancelledView('2027-03-01T16:05:00Z', 'getmyboat-gmb88213'), settings);

  it('says it was cancelled, and when, in the charter’s zone and in words', () => {
    expect(elementText(page, 'status-badge')).toBe('Cancelled');
    expect(elementText(page, 'cancellation-heading')).toBe('This charter was cancelled');
    expect(elementText(page, 'cancelled-at')).toBe('It was cancelled on Monday, March 1, 2027 at 8:05 AM PST.');
    expect(elementText(page, 'greeting-cancelled')).toBe(
      'Hi Priya, we’re sorry: your charter aboard JADA on Tuesday, March 2, 2027 has been cancelled.',
    );
    expect(/<title>([^<]*)<\/title>/.exec(page)![1]).toBe(
      'Cancelled: your charter aboard JADA · Tuesday, March 2, 2027',
    );
  });

  it('says whom to ask, with the booking reference, and no contact details of anyone', () => {
    // (elementText puts a space where the <strong> around the reference was.)
    expect(elementText(page, 'cancelled-contact').replace(' .', '.')).toBe(
      'Questions, or hoping to rebook? Contact the company you booked with and give them booking reference GMB-88213.',
    );
    for (const secret of ['858', '0199', 'Raman', '@', '$', '640', 'USD'])
      expect(visibleText(page)).not.toContain(secret);
  });

  it('still shows what was booked, so the guest knows which charter it was', () => {
    expect(elementText(page, 'details-heading')).toBe('What was booked');
    expect(elementText(page, 'charter-date')).toBe('Tuesday, March 2, 2027');
    expect(elementText(page, 'charter-time')).toBe('9:00 AM – 12:30 PM PST');
    expect(elementText(page, 'charter-guests')).toBe('2 guests');
    expect(elementText(page, 'charter-location')).toBe('Harbor Island West Marina');
  });

  it('has no upload widget, no tips, no script and no URL: nothing to post anywhere', () => {
    for (const id of ['photo-input', 'uploads-open', 'uploads-closed', 'upload-config', 'tips', 'greeting-before']) {
      expect(page).not.toContain(`id="${id}"`);
    }
    expect(page).not.toMatch(/<(script|input|form|label)\b/i);
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toContain(TOKEN);
  });

  it('carries a CSP that allows its own style and nothing else: no script, no connection, no form', () => {
    const csp = cspOf(page);
    const [style] = inline(page, 'style');
    expect(csp).toEqual({
      'default-src': ["'none'"],
      'style-src': [hash(style!.body)],
      'img-src': ['data:'],
      'form-action': ["'none'"],
      'base-uri': ["'none'"],
    });
    expect(page).toContain(`content="${CANCELLED_PAGE_POLICY.replace(/'/g, '&#39;')}"`);
  });

  it('escapes hostile booking values there too', () => {
    const hostile = renderGuestPage(
      cancelledView('2027-03-01T16:05:00Z', 'getmyboat-gmb88213', {
        guest: { name: '<img src=x onerror=alert(1)>' },
        vessel: '<script>alert(2)</script>',
      }),
      settings,
    );
    expect(hostile).not.toContain('<img');
    expect(hostile).not.toContain('<script>');
    expect(elementText(hostile, 'charter-vessel')).toBe('<script>alert(2)</script>');
  });

  it('renders the same bytes for the same cancelled head (a redelivered cancellation rewrites the same page)', () => {
    expect(renderGuestPage(cancelledView('2027-03-01T16:05:00Z', 'getmyboat-gmb88213'), settings)).toBe(page);
  });
});
