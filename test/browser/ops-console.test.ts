import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  eventCatalog,
  type BookingCreatedInput,
  type CrewNotified,
  type DetailInputOf,
  type ServiceDetailType,
} from '@charter/events';
import { bookingInput, marinaDate } from '@charter/local/fixtures';
import { publishBookings, scheduledEvent, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, launchPhone, type Phone } from '../support/browser';

/**
 * The operator's console on a phone at the dock, against the whole local cloud: a week of 30 charters booked by the
 * partners and worked through by every service, some crew confirming, one declining, a crew email bouncing, an event
 * no service can read, one charter cancelled, a partner's request refused. The console asks for the dashboard token
 * once, lists the week by day with what each charter is missing, opens a booking's timeline, and lists the dead
 * letters; the token lives in the tab alone.
 */
const TIMEOUT = 240_000;
const BUS = 'charter-bookings-local';
const ROSTER = ['rowan-hale', 'isla-moreno', 'theo-park'];
const PARTNERS = ['boatsetter', 'getmyboat', 'direct'];
const VESSELS = ['JADA', 'Sea Breeze', 'Kestrel'];
const GUESTS = ['Dana Whitfield', 'Priya Raman', 'Marco Bellini', 'Aiko Tanaka', 'Sam Okafor', 'Lena Fischer'];
const STARTS = [
  ['08:00', '11:00'],
  ['11:30', '14:30'],
  ['15:00', '18:00'],
  ['18:30', '21:00'],
];

/** How each charter of the week stands: its crew's answers, a bounce, a dead letter, a cancellation. */
type Fate = 'ready' | 'two_confirmed' | 'declined' | 'bounced' | 'booked' | 'dead_letter' | 'cancelled';
const FATES: Fate[] = ['ready', 'ready', 'two_confirmed', 'declined', 'ready', 'bounced', 'booked'];

interface Charter {
  booking: BookingCreatedInput;
  fate: Fate;
}

/** 30 charters over the seven days from today at the marina, four time slots a day. */
const week: Charter[] = Array.from({ length: 30 }, (_, i) => {
  const [start, end] = STARTS[i % 4]!;
  const fate: Fate = i === 9 ? 'dead_letter' : i === 16 ? 'cancelled' : FATES[i % FATES.length]!;
  const partner = PARTNERS[i % 3]!;
  return {
    fate,
    booking: bookingInput({
      booking_id: `week-${String(i + 1).padStart(2, '0')}`,
      source: partner,
      charter_date: marinaDate(Math.floor(i / 4.3)),
      charter_start: start!,
      charter_end: end!,
      guest_count: 2 + ((i * 5) % 11),
      guest: { name: GUESTS[i % GUESTS.length]! },
      vessel: VESSELS[i % 3]!,
    }),
  };
});
const byFate = (fate: Fate) => week.filter((c) => c.fate === fate);

/** PutEvents, ten entries a call, as the services and partners publish. */
async function putEvents(entries: PutEventsRequestEntry[]): Promise<void> {
  const client = new EventBridgeClient({});
  try {
    for (let i = 0; i < entries.length; i += 10) {
      const result = await client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
      if (result.FailedEntryCount) throw new Error(`PutEvents refused: ${JSON.stringify(result.Entries)}`);
    }
  } finally {
    client.destroy();
  }
}
const asService = <T extends ServiceDetailType>(detailType: T, detail: DetailInputOf<T>): PutEventsRequestEntry => ({
  EventBusName: BUS,
  Source: eventCatalog[detailType].source,
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});

describe('the ops console in headless Chromium against the local cloud', () => {
  let cloud: LocalCloud;
  let phone: Phone;
  let token: string;
  let consoleUrl: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: 'all', run: true });
    token = cloud.secrets['charter/local/dashboard-token']!;
    // The console's own distribution: its three files from S3, and the ops API behind the same origin (/ops/*).
    consoleUrl = `${cloud.endpoints.opsSite}/console`;
    await publishBookings(week.map((c) => c.booking));
    await cloud.idle();

    const notified = new Map(
      cloud
        .published()
        .filter((e) => e['detail-type'] === 'CrewNotified')
        .map((e) => [(e.detail as CrewNotified).booking_id, e.detail as CrewNotified]),
    );
    const answers: PutEventsRequestEntry[] = [];
    const answer = (c: Charter, member: string, confirmed: boolean, reason?: string) => {
      const common = {
        schema_version: 1 as const,
        booking_id: c.booking.booking_id,
        event_id: notified.get(c.booking.booking_id)!.event_id,
        member_id: member,
        revision: 1,
        version: 1,
      };
      const now = new Date().toISOString();
      answers.push(
        confirmed
          ? asService('CrewConfirmed', { ...common, confirmed_at: now })
          : asService('CrewDeclined', { ...common, declined_at: now, ...(reason ? { reason } : {}) }),
      );
    };
    for (const c of week) {
      if (c.fate === 'ready' || c.fate === 'dead_letter') ROSTER.forEach((m) => answer(c, m, true));
      if (c.fate === 'two_confirmed') ROSTER.slice(0, 2).forEach((m) => answer(c, m, true));
      if (c.fate === 'declined') {
        answer(c, 'rowan-hale', true);
        answer(c, 'isla-moreno', true);
        answer(c, 'theo-park', false, 'Family emergency, so sorry');
      }
      if (c.fate === 'bounced') ['rowan-hale', 'theo-park'].forEach((m) => answer(c, m, true));
    }
    await putEvents(answers);

    // SES: every crew call delivered, but the mate's address on the bounced charters.
    for (const c of week) {
      const notice = notified.get(c.booking.booking_id)!;
      for (const r of notice.recipients) {
        const bounced = c.fate === 'bounced' && r.member_id === 'isla-moreno';
        cloud.eventBridge.injectAwsServiceEvent({
          source: 'aws.ses',
          detailType: bounced ? 'Email Bounced' : 'Email Delivered',
          detail: sesDetail(c.booking.booking_id, r.message_id, r.email, bounced),
        });
      }
    }
    // A change no service can read, a cancellation, and a partner request the intake refused.
    const [broken] = byFate('dead_letter');
    await publishBookings([{ ...broken!.booking, charter_start: '16:00', charter_end: '12:00', revision: 2 }]);
    const [cancelled] = byFate('cancelled');
    await putEvents([
      {
        EventBusName: BUS,
        Source: `partner.${cancelled!.booking.source}`,
        DetailType: 'BookingCancelled',
        Detail: JSON.stringify({
          schema_version: 1,
          booking_id: cancelled!.booking.booking_id,
          source: cancelled!.booking.source,
          revision: 2,
          cancelled_at: new Date().toISOString(),
          cancelled_by: 'weather',
          reason: 'Small craft advisory',
        }),
      },
      asService('PartnerRequestRefused', {
        schema_version: 1,
        partner: 'getmyboat',
        reason: 'stale_timestamp',
        status: 401,
        at: new Date().toISOString(),
        route: 'update',
        booking_id: 'week-02',
      }),
    ]);
    // A guest page event whose URL is no web page (the console must not make it a link), and a partner whose last
    // booking event was 80 hours ago (its limit is 72).
    await putEvents([
      asService('GuestPagePublished', {
        schema_version: 1,
        booking_id: byFate('booked')[0]!.booking.booking_id,
        revision: 1,
        slug: 'AbCdEfGhIjKlMnOpQrStUv',
        url: 'javascript:alert(document.domain)',
      }),
      {
        EventBusName: BUS,
        Source: 'partner.sailo',
        DetailType: 'BookingCreated',
        Time: new Date(Date.now() - 80 * 3_600_000),
        Detail: JSON.stringify(
          bookingInput({ booking_id: 'sailo-80h', source: 'sailo', charter_date: marinaDate(40) }),
        ),
      },
    ]);
    await cloud.idle();
    // The watch now (sailo's alert), then as of three days on: boatsetter and getmyboat (48 h) would be silent then,
    // and are alerted on; by the clock the console reads they are publishing, so only sailo's alert still stands.
    const watch = (at: Date) =>
      cloud.runtime!.invoke('charter-ops-local-watch', scheduledEvent('charter-ops-local-watch-schedule-1', at));
    await watch(new Date());
    await watch(new Date(Date.now() + 73 * 3_600_000));
    // Names no partner has: one row however many, with the last names tried (after the watch three days on, which
    // forgets the counts older than its day).
    await putEvents(
      ['made-up-1', 'made-up-2', 'made-up-3'].map((partner) =>
        asService('PartnerRequestRefused', {
          schema_version: 1,
          partner,
          reason: 'unknown_partner',
          status: 404,
          at: new Date().toISOString(),
          route: 'create',
        }),
      ),
    );
    await cloud.idle();
    phone = await launchPhone();
  }, TIMEOUT);

  afterAll(async () => {
    await phone?.close();
    await cloud?.stop();
  }, TIMEOUT);

  async function signIn(page: Page, value = token) {
    await page.locator('#token').fill(value);
    await page.locator('#token-form button[type=submit]').click();
  }
  const charterCard = (page: Page, bookingId: string) => page.locator(`li.charter[data-booking="${bookingId}"]`);

  it(
    'asks for the dashboard token once, then shows the coming week by day, each charter ready or what it misses',
    async () => {
      const { page, response } = await phone.open('console', consoleUrl);
      expect(response.status()).toBe(200);
      const csp = response.headers()['content-security-policy'];
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers()['x-frame-options']).toBe('DENY');
      await page.locator('#sign-in').waitFor({ state: 'visible' });
      await page.screenshot({ path: join(SCREENSHOTS, 'ops-console-sign-in.png') });

      // A token no header can carry (not Latin-1) is refused as one, before any request.
      await signIn(page, 'jeton-\u4ee4\u724c');
      await page.locator('#token-error').waitFor({ state: 'visible' });
      expect(await page.locator('#token-error').innerText()).toBe('That token is not valid for this stage.');
      expect(phone.problems).toEqual([]);
      const refused = page.waitForResponse((r) => r.url().endsWith('/ops/health'));
      await signIn(page, 'not-the-token');
      expect((await refused).status()).toBe(403);
      // Read through the page's own origin: the distribution passes /ops/* to the ops API.
      expect(new URL((await refused).url()).origin).toBe(new URL(consoleUrl).origin);
      expect(await page.locator('#token-error').innerText()).toContain('not valid');
      expect(await page.evaluate(() => sessionStorage.getItem('charter-ops-token'))).toBeNull();
      // The token is tried with one request: Chromium logs its 403 as a console error, and nothing else happened.
      expect(phone.problems).toEqual([expect.stringContaining('status of 403') as unknown]);
      phone.problems.length = 0;

      await signIn(page);
      await charterCard(page, 'week-30').waitFor({ state: 'visible' });
      expect(await page.locator('li.charter').count()).toBe(30);
      // Only the alert whose silence still lasts: boatsetter's and getmyboat's are resolved.
      await page.locator('#alerts .notice').first().waitFor({ state: 'visible' });
      const alerts = await page.locator('#alerts').innerText();
      expect(alerts).toContain('No booking event from sailo for 80 hours');
      expect(alerts).not.toMatch(/boatsetter|getmyboat/);
      expect(await page.locator('section.day').count()).toBe(7);
      const summary = await page.locator('#summary').innerText();
      expect(summary).toBe(
        `29 charters: ${byFate('ready').length} ready, ${29 - byFate('ready').length} not ready (1 cancelled)`,
      );

      const ready = byFate('ready')[0]!.booking.booking_id;
      expect(await charterCard(page, ready).locator('.badge').innerText()).toMatch(/ready/i);
      const twoConfirmed = await charterCard(page, byFate('two_confirmed')[0]!.booking.booking_id).innerText();
      expect(twoConfirmed).toContain('Crew not confirmed: Theo Park');
      const declined = await charterCard(page, byFate('declined')[0]!.booking.booking_id).innerText();
      expect(declined).toContain('Theo Park (deckhand) declined');
      const bounced = await charterCard(page, byFate('bounced')[0]!.booking.booking_id).innerText();
      expect(bounced).toContain('mate@crew.example.com bounced');
      expect(await charterCard(page, byFate('cancelled')[0]!.booking.booking_id).innerText()).toMatch(/cancelled/i);
      // Crew email delivered everywhere else: no problem but the ones above.
      await page.locator('#letter-list .letter').first().waitFor({ state: 'visible' });
      await page.screenshot({ path: join(SCREENSHOTS, 'ops-console-week.png'), fullPage: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'ops-console-week-top.png') });
      for (const day of [1, 2]) {
        await page
          .locator('section.day')
          .nth(day)
          .screenshot({ path: join(SCREENSHOTS, `ops-console-week-day-${day + 1}.png`) });
      }
      expect(phone.problems).toEqual([]);
      await page.close();

      // The same week on the office screen: the cards in columns.
      const desk = await phone.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const wide = await desk.newPage();
      await wide.goto(consoleUrl);
      await signIn(wide);
      await charterCard(wide, 'week-30').waitFor({ state: 'visible' });
      await wide.locator('#letter-list .letter').first().waitFor({ state: 'visible' });
      await wide.screenshot({ path: join(SCREENSHOTS, 'ops-console-week-desktop.png'), fullPage: true });
      await desk.close();
    },
    TIMEOUT,
  );

  it(
    "opens a booking's timeline and sees its problems: a decline and a bounced address named",
    async () => {
      const { page } = await phone.open('booking', consoleUrl);
      await signIn(page);
      const target = byFate('declined')[0]!.booking.booking_id;
      const bouncedToo = byFate('bounced')[0]!.booking.booking_id;
      await charterCard(page, target).click();
      await page.locator('ol.timeline li').first().waitFor({ state: 'visible' });
      expect(page.url()).toBe(`${consoleUrl}#/booking/${target}`);
      const problems = await page.locator('ul.problems').innerText();
      expect(problems).toContain('Theo Park (deckhand) declined: Family emergency, so sorry');
      expect(problems).toContain('What to do: Call the captain for a replacement');
      // The guest page is linked (the local cloud's own http://127.0.0.1 site).
      expect(await page.getByRole('link', { name: 'open the page' }).getAttribute('href')).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/g\//,
      );
      const kinds = await page
        .locator('ol.timeline li')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-kind')));
      // The booking first; what the services did with it in the order they did it (scc and calendar race).
      expect(kinds[0]).toBe('BookingCreated');
      expect(kinds).toEqual(expect.arrayContaining(['EventCreated', 'CalendarUpdated', 'GuestPagePublished']));
      expect(kinds.filter((k) => k === 'CrewDeclined')).toHaveLength(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'ops-console-booking.png'), fullPage: true });

      await page.goBack();
      await charterCard(page, bouncedToo).click();
      await page.locator('ul.problems').waitFor({ state: 'visible' });
      expect(await page.locator('ul.problems').innerText()).toContain(
        'Crew email to Isla Moreno (mate) at mate@crew.example.com bounced',
      );
      // The notice did not reach her: its chip says so, in red, instead of a green "told".
      expect(await page.locator('.member[data-member="isla-moreno"] .chip.bounced').innerText()).toBe(
        'told (call), email bounced',
      );
      expect(await page.locator('.member[data-member="isla-moreno"] .chip.noticed').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'ops-console-bounced.png'), fullPage: true });
      for (const [card, file] of [
        ['What went wrong', 'ops-console-bounced-problems.png'],
        ['Crew (', 'ops-console-bounced-crew.png'],
      ] as const) {
        await page.locator('section.card', { hasText: card }).screenshot({ path: join(SCREENSHOTS, file) });
      }
      expect(phone.problems).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'lists the dead letters with their reasons, and the partners with their last refusal',
    async () => {
      const { page } = await phone.open('dead-letters', consoleUrl);
      await signIn(page);
      await page.locator('#letter-list .letter').first().waitFor({ state: 'visible' });
      const letters = await page.locator('#letter-list').innerText();
      const broken = byFate('dead_letter')[0]!.booking.booking_id;
      expect(letters).toContain(`booking ${broken}`);
      expect(letters).toContain('InvalidEventError: invalid event: detail.charter_end: must be after charter_start');
      const getmyboat = await page.locator('.partner[data-partner="getmyboat"]').innerText();
      expect(getmyboat).toMatch(/Last refused: stale_timestamp \(401\)/);
      expect(await page.locator('.partner[data-partner^="made-up"]').count()).toBe(0);
      const unknown = await page.locator('.partner[data-partner="(unknown)"]').innerText();
      expect(unknown).toMatch(/Not onboarded \(any name\)/);
      expect(unknown).toMatch(/Names tried lately: (made-up-\d, ){2}made-up-\d/);
      expect(unknown).toMatch(/Last refused: unknown_partner \(404\), .* 3 refused in the last day/);
      // Each queue's total, and what to do about a letter.
      expect(await page.locator('#letter-list .queues').innerText()).toMatch(/calendar 1\b/);
      // The partner's invalid booking would be refused again: the advice is to ask them, not to replay.
      expect(letters).toContain('What to do: Nothing to replay (it would be refused again): ask boatsetter to send');
      await page.locator('#letter-list').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'ops-console-dead-letters.png') });

      await page.locator(`#letter-list a[href="#/booking/${broken}"]`).first().click();
      await page.locator('ul.problems').waitFor({ state: 'visible' });
      expect(await page.locator('ul.problems').innerText()).toContain(
        'calendar, guest-pages, ops and scc could not process BookingCreated (InvalidEventError)',
      );
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'does not link a guest page address that is no web page',
    async () => {
      const { page } = await phone.open('unsafe-link', consoleUrl);
      await signIn(page);
      const booked = byFate('booked')[0]!.booking.booking_id;
      await charterCard(page, booked).click();
      await page.locator('ol.timeline li').first().waitFor({ state: 'visible' });
      expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
      expect(await page.getByRole('link', { name: 'open the page' }).count()).toBe(0);
      expect(await page.locator('#booking-view').innerText()).toContain('javascript:alert(document.domain)');
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'keeps the token for the tab alone: a reload keeps it, another tab asks again, signing out forgets it',
    async () => {
      const { page } = await phone.open('tab', consoleUrl);
      await signIn(page);
      await charterCard(page, 'week-01').waitFor({ state: 'visible' });
      await page.reload({ waitUntil: 'load' });
      await charterCard(page, 'week-01').waitFor({ state: 'visible' });
      expect(await page.locator('#sign-in').isVisible()).toBe(false);

      const other = (await phone.open('other-tab', consoleUrl)).page;
      await other.locator('#sign-in').waitFor({ state: 'visible' });
      expect(await other.evaluate(() => sessionStorage.getItem('charter-ops-token'))).toBeNull();

      await page.locator('#sign-out').click();
      await page.locator('#sign-in').waitFor({ state: 'visible' });
      expect(await page.evaluate(() => sessionStorage.getItem('charter-ops-token'))).toBeNull();
      expect(phone.problems).toEqual([]);
    },
    TIMEOUT,
  );
});

/** SES's record of a crew email's delivery or bounce, tagged as notifications tags it, on the default bus. */
function sesDetail(bookingId: string, messageId: string, email: string, bounced: boolean): Record<string, unknown> {
  const at = new Date().toISOString();
  const mail = {
    timestamp: at,
    messageId,
    destination: [email],
    tags: { 'ses:configuration-set': ['charter-crew-mail-local'], booking_id: [bookingId], kind: ['crew-call'] },
  };
  return bounced
    ? {
        eventType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [{ emailAddress: email, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
          timestamp: at,
        },
      }
    : { eventType: 'Delivery', mail, delivery: { timestamp: at, recipients: [email], smtpResponse: '250 2.0.0 OK' } };
}
