import { CREW_PAGE_HEADERS, renderCrewErrorPage, renderCrewPage } from '../src/domain/crew-page';
import type { CrewEvent } from '../src/domain/crew-event';
import { ROSTER, storedEvent } from './fixtures';

const event = (overrides: Partial<CrewEvent> = {}): CrewEvent => storedEvent(overrides);

/** The rows of the crew list, as [member id, confirmed] pairs. */
const rows = (page: string) =>
  [...page.matchAll(/<li data-member-id="([^"]+)" data-confirmed="(true|false)"/g)].map((m) => [m[1], m[2]]);

describe('the crew page', () => {
  const token = 'isla-moreno.1900000000.' + 'A'.repeat(43);

  it('shows the charter in words, for a phone', () => {
    const page = renderCrewPage({ event: event(), memberId: 'isla-moreno', token });
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<h1>JADA</h1>');
    expect(page).toContain('Sunday, May 30, 2027');
    expect(page).toContain('10:00 AM – 1:00 PM PDT (3 hours)');
    expect(page).toContain('Shelter Island, San Diego');
    expect(page).toContain('<dd id="guest-count">6</dd>');
    expect(page).toContain('Birthday party for Ann.\nBring a cake knife.');
  });

  it('lists the crew and who has confirmed', () => {
    const page = renderCrewPage({
      event: event({ confirmations: { 'rowan-hale': '2027-05-01T17:05:00.000Z' } }),
      memberId: 'isla-moreno',
      token,
    });
    expect(rows(page)).toEqual([
      ['rowan-hale', 'true'],
      ['isla-moreno', 'false'],
      ['theo-park', 'false'],
    ]);
    expect(page).toContain('Confirmed May 1, 10:05 AM');
    expect(page).toContain('Isla Moreno (you)');
    expect(page).not.toContain('captain@crew.example.com');
  });

  it('offers a plain-HTML Confirm form posting the token back', () => {
    const page = renderCrewPage({
      event: event(),
      memberId: 'isla-moreno',
      token,
      confirmAction: '/crew/evt_x/confirm',
    });
    expect(page).toMatch(/<form method="post" action="\/crew\/evt_x\/confirm" id="confirm-form">/);
    expect(page).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(page).toContain('<button type="submit" id="confirm">');
    expect(page).not.toContain('<script');
  });

  it('shows the member as confirmed, without the button, once they have', () => {
    const page = renderCrewPage({
      event: event({ confirmations: { 'isla-moreno': '2027-05-01T17:05:00.000Z' } }),
      memberId: 'isla-moreno',
      token,
    });
    expect(page).toContain('id="confirmed" data-confirmed="true"');
    expect(page).not.toContain('id="confirm"');
    expect(rows(page)).toContainEqual(['isla-moreno', 'true']);
  });

  it('offers "I can\'t make it" beside Confirm: a plain form with an optional reason, posting the token back', () => {
    const page = renderCrewPage({
      event: event(),
      memberId: 'isla-moreno',
      token,
      declineAction: '/crew/evt_x/decline',
    });
    expect(page).toContain(`<summary id="decline">I can't make it</summary>`);
    expect(page).toMatch(/<form method="post" action="\/crew\/evt_x\/decline" id="decline-form">/);
    expect(page).toContain('<textarea id="decline-reason" name="reason" rows="3" maxlength="500"></textarea>');
    expect(page.match(new RegExp(`<input type="hidden" name="token" value="${token}">`, 'g'))).toHaveLength(2);
    expect(page).toContain('data-answer="none"');
  });

  it('shows a decline, with the reason to its member only, and offers to confirm after all', () => {
    const declines = { 'isla-moreno': { at: '2027-05-01T17:05:00.000Z', reason: 'Sick kid <3' } };
    const page = renderCrewPage({ event: event({ declines }), memberId: 'isla-moreno', token });
    expect(page).toContain('id="declined" data-declined="true"');
    expect(page).toContain('You said you can&#39;t make it (May 1, 10:05 AM). The captain has been told.');
    expect(page).toContain('<p class="said" id="your-reason">Sick kid &lt;3</p>');
    expect(page).toContain('I can make it after all');
    expect(page).not.toContain('id="decline-form"');
    expect(page).toMatch(/<li data-member-id="isla-moreno" data-confirmed="false" data-answer="declined"/);
    const theirs = renderCrewPage({ event: event({ declines }), memberId: 'rowan-hale', token });
    expect(theirs).toMatch(/<li data-member-id="isla-moreno" data-confirmed="false" data-answer="declined"/);
    expect(theirs).toContain('Can&#39;t make it');
    expect(theirs).not.toContain('Sick kid');
  });

  it('offers "I can\'t make it" after a confirmation too (plans change)', () => {
    const page = renderCrewPage({
      event: event({ confirmations: { 'isla-moreno': '2027-05-01T17:05:00.000Z' } }),
      memberId: 'isla-moreno',
      token,
    });
    expect(page).toContain('id="decline-form"');
    expect(page).not.toContain('id="confirm"');
  });

  it('says a cancelled charter was cancelled, when and why, and asks nothing', () => {
    const page = renderCrewPage({
      event: event({
        lifecycle: 'cancelled',
        confirmations: { 'rowan-hale': '2027-05-01T17:05:00.000Z' },
        cancellation: {
          cancelled_at: '2027-05-02T16:05:00Z',
          cancelled_by: 'weather',
          reason: 'Small craft <advisory>.',
        },
      }),
      memberId: 'isla-moreno',
      token,
    });
    expect(page).toContain('<title>Cancelled: JADA · Sunday, May 30, 2027 · Crew</title>');
    expect(page).toContain('id="cancelled" data-cancelled-at="2027-05-02T16:05:00Z"');
    expect(page).toContain('Cancelled on May 2, 9:05 AM because of the weather.');
    expect(page).toContain('<p class="said" id="cancel-reason">Small craft &lt;advisory&gt;.</p>');
    for (const gone of ['id="confirm"', 'id="decline"', 'id="your-confirmation"', 'Not confirmed yet', 'Confirmed May'])
      expect(page).not.toContain(gone);
    expect(page).toContain('Isla Moreno (you)');
  });

  it('shows the crew notes apart from the booking notes, money removed', () => {
    const page = renderCrewPage({
      event: event({ crew_notes: 'Bring fenders. Tip $50.' }),
      memberId: 'rowan-hale',
      token,
    });
    expect(page).toContain('<p class="notes" id="crew-notes">Bring fenders.</p>');
  });

  it('escapes everything that came from a partner or an operator', () => {
    const page = renderCrewPage({
      event: event({
        vessel: '<script>alert(1)</script>',
        location: '"><img src=x onerror=alert(1)>',
        notes: 'Bring <b>cake</b> & "ice"',
        crew: [{ ...ROSTER[0]!, name: "O'Brien <i>" }],
      }),
      memberId: 'rowan-hale',
      token: '"><script>',
    });
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>cake');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Bring &lt;b&gt;cake&lt;/b&gt; &amp; &quot;ice&quot;');
    expect(page).toContain('O&#39;Brien &lt;i&gt;');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;"');
  });

  it('redacts money from notes again on the way out', () => {
    const page = renderCrewPage({
      event: event({ notes: 'Bring ice. Revenue $1,450.00' }),
      memberId: 'rowan-hale',
      token,
    });
    expect(page).toContain('Bring ice.');
    expect(page).not.toContain('1,450');
  });

  it('is served with headers that keep the token on the page', () => {
    expect(CREW_PAGE_HEADERS['content-security-policy']).toContain("default-src 'none'");
    expect(CREW_PAGE_HEADERS['content-security-policy']).toContain("form-action 'self'");
    expect(CREW_PAGE_HEADERS['x-robots-tag']).toContain('noindex');
  });
});

describe('the crew error page', () => {
  it('says what happened and what to do, escaped, with no event details', () => {
    const page = renderCrewErrorPage(401, 'The link has <expired>.');
    expect(page).toContain('data-status="401"');
    expect(page).toContain('This crew link does not work');
    expect(page).toContain('The link has &lt;expired&gt;.');
    expect(page).toContain('Ask the captain to send you a fresh link.');
  });

  it('has a heading for each refusal', () => {
    expect(renderCrewErrorPage(409, 'x', 'cancelled')).toContain('This charter was cancelled');
    expect(renderCrewErrorPage(409, 'x', 'cancelled')).not.toContain('fresh link');
    expect(renderCrewErrorPage(403, 'x')).toContain('not for this crew event');
    expect(renderCrewErrorPage(404, 'x')).toContain('Crew event not found');
    expect(renderCrewErrorPage(500, 'x')).toContain('Something went wrong on our side');
  });
});
