import {
  mentionsMoney,
  mergePrivateFacts,
  privateFactsOf,
  redactMoney,
  safeFirstName,
  scrubField,
  scrubText,
  stripControls,
} from '../src/redaction';

describe('redactMoney', () => {
  it.each([
    ['$1,450.00'],
    ['1450 USD'],
    ['USD 300'],
    ['usd300'],
    ['€200'],
    ['200€'],
    ['1.450,00 €'],
    ['£75'],
    ['US$ 1,450'],
    ['CA$90'],
    ['300 dollars'],
    ['three hundred dollars'],
    ['50 bucks'],
    ['145000 cents'],
    ['$1.5k'],
    ['2 grand'],
    ['EUR 1.200'],
    ['1,450 MXN'],
  ])('removes a clause holding the amount %s', (amount) => {
    const notes = `Birthday party for Ann, they paid ${amount} up front.\nBring the cake from the galley.`;
    const redacted = redactMoney(notes);
    expect(redacted).not.toContain(amount);
    expect(redacted).toBe('Birthday party for Ann.\nBring the cake from the galley.');
  });

  it.each([
    ['Revenue: $1,450.00'],
    ['Revenue 1450'],
    ['Captain fee - 300'],
    ['captain fee 300 USD'],
    ['Payout USD 300 on Friday'],
    ['Pay-out scheduled for the 5th'],
    ['Price: 1450'],
    ['Priced at the summer rate'],
    ['Platform fees deducted'],
    ['Tip 20% expected'],
    ['Tips were 50'],
    ['Gratuity included'],
    ['Deposit received via Venmo'],
    ['Balance 500 due at the dock'],
    ['Total 1450'],
    ['Commission to the broker'],
    ['Paid in full'],
  ])('removes a line about money: %s', (line) => {
    expect(redactMoney(`${line}\nGuests bring their own wine.`)).toBe('Guests bring their own wine.');
  });

  it('keeps a note without money exactly as written', () => {
    const notes =
      'Anniversary: Ann & Bob.\n\n  - Vegetarian lunch for 4\n  - Fenders out, port side\n' +
      'Meet at dock 3 at 9:30; parking on Shelter Island Dr.';
    expect(redactMoney(notes)).toBe(notes);
  });

  it('keeps tips that are advice, not amounts', () => {
    expect(redactMoney('Tip: bring sunscreen and a hat')).toBe('Tip: bring sunscreen and a hat');
    expect(redactMoney('Tip 20% expected; guests are celebrating')).toBe('Guests are celebrating');
  });

  it('removes a money clause and keeps the rest of the sentence readable', () => {
    expect(redactMoney('Meet at dock 3 at 9:30 and bring $20 for parking')).toBe('Meet at dock 3 at 9:30');
    expect(redactMoney("Ann's party (paid €200 upfront) with 12 guests")).toBe("Ann's party with 12 guests");
    expect(redactMoney('Charge 300 for the extra hour, shuttle at 5pm')).toBe('Shuttle at 5pm');
    expect(redactMoney('Capt. Rowan leads. Price was 1.450,00 € for the day.')).toBe('Capt. Rowan leads.');
    expect(redactMoney('Total 145000 cents - birthday')).toBe('Birthday');
  });

  it('drops money lines from a list and collapses the blank lines they leave', () => {
    const notes =
      'Notes:\n- Vegetarian lunch\n- Revenue: $1,450.00\n- Captain fee $300 (paid by Venmo)\n\n\n\nDocking at 5';
    expect(redactMoney(notes)).toBe('Notes:\n- Vegetarian lunch\n\nDocking at 5');
  });

  it('drops a bare number that is the value of a money label before it', () => {
    expect(redactMoney('Revenue:\n1450\nBring ice')).toBe('Bring ice');
    expect(redactMoney('Captain fee - 300, dock 3')).toBe('Dock 3');
  });

  it('returns an empty string when the whole note is about money', () => {
    expect(redactMoney('Revenue $1,450.00\nCaptain fee $300\nTip 18%')).toBe('');
  });

  it('normalises Windows line endings', () => {
    expect(redactMoney('Bring ice\r\nFee $40\r\nBring limes')).toBe('Bring ice\nBring limes');
  });

  it('does not mistake times, dock numbers and guest counts for money', () => {
    for (const text of ['Board at 10:00', 'Dock 3, slip 12', '12 guests, 2 kids', 'Depart 2027-05-30 at 9am']) {
      expect(mentionsMoney(text)).toBe(false);
    }
  });

  it('is stable: redacting twice changes nothing more', () => {
    const notes = 'Birthday, paid $1,450.00. Captain fee 300 USD; bring cake.\nTip 20%\nSunscreen.';
    expect(redactMoney(redactMoney(notes))).toBe(redactMoney(notes));
  });
});

describe("the booking's own amounts, written bare", () => {
  const amounts = { revenue_cents: 145000, captain_fee_cents: 30000 };

  it.each([
    ['Boatsetter collected 1,450.00'],
    ['Captain gets 300'],
    ['Rev 1450 / capt 300'],
    ['Owner nets 1,150'],
    ['Captain comp 300'],
    ['Owner share 1,150'],
    ['Amt 1450'],
    ['Charter was 1450'],
    ['Charter was 1.450,00'],
    ['Charter was 1 450'],
    ['Charter was 1’450'],
    ['Charter was 145000'],
    ['Captain: 300.00'],
    ['Owner keeps 1150 after the captain'],
    ['Charter was 1450.40'],
  ])('removes %s', (line) => {
    expect(redactMoney(`${line}\nGuests bring their own wine.`, amounts)).toBe('Guests bring their own wine.');
  });

  it('reads the whole number, not digits inside another one', () => {
    for (const text of [
      'Board at 13:00',
      'Dock 3, slip 14500',
      'Call the dock master at 619-555-0300',
      'Harbor office 619 555 1450',
      'Depart 2027-05-30',
      'Gate code 1450300',
      'Pier 0300',
    ]) {
      expect(mentionsMoney(text, amounts)).toBe(false);
    }
  });

  it('finds a bare amount only with the amounts; without them only the vocabulary applies', () => {
    expect(mentionsMoney('Charter was 1450')).toBe(false);
    expect(mentionsMoney('Charter was 1450', amounts)).toBe(true);
    expect(mentionsMoney('Charter was 1450', { revenue_cents: 145000 })).toBe(true);
    expect(mentionsMoney('Boatsetter collected 300', { revenue_cents: 145000 })).toBe(true);
    expect(mentionsMoney('Dock 300', { revenue_cents: 145000 })).toBe(false);
  });

  it('treats the money words that need a number as money only with a number that is not a time', () => {
    for (const text of [
      'Rev 1450',
      'Boatsetter collected 1,450',
      'Owner nets 1,150',
      'Captain comp 300',
      'Owner share 1,150',
      'Their cut 200',
      'Amt 1450',
      'Charged 90',
    ]) {
      expect(mentionsMoney(text)).toBe(true);
    }
    for (const text of [
      'Cut the cake at 3:30',
      'Share photos after 5pm',
      'Collect the guests at the gate',
      'Captain comp day tomorrow',
    ]) {
      expect(mentionsMoney(text)).toBe(false);
    }
  });

  it('keeps the rest of a sentence readable', () => {
    expect(
      scrubText('Meet at dock 3 at 9:30, charter was 1450 and captain gets 300. Bring ice.', {
        ...privateFactsOf(amounts),
      }),
    ).toBe('Meet at dock 3 at 9:30. Bring ice.');
  });
});

describe("the booking's own amounts, in words, in thousands and as a share", () => {
  /** $1,450 for the charter, $300 for the captain: the owner keeps $1,150, the captain 20.7%, the owner 79.3%. */
  const amounts = { revenue_cents: 145000, captain_fee_cents: 30000 };

  it.each([
    ['Captain gets three hundred'],
    ['Charter was fourteen hundred fifty'],
    ['Charter was fourteen fifty'],
    ['Owner keeps eleven fifty'],
    ['Charter was one thousand four hundred and fifty'],
    ['Charter was one thousand, four hundred fifty'],
    ['Owner keeps eleven hundred fifty after the captain'],
    ['About fifteen hundred for the day'],
    ['Rev 1.45k'],
    ['Rev 1.5K'],
    ['Boatsetter collected 1.4k'],
    ['Owner keeps 1.15k'],
    ['Captain takes 20%'],
    ['Captain takes 20.7 %'],
    ['Owner keeps 79 percent'],
    ['Owner keeps eighty percent'],
  ])('removes %s', (line) => {
    expect(redactMoney(`${line}\nGuests bring their own wine.`, amounts)).toBe('Guests bring their own wine.');
  });

  it('drops the rest of an amount in words cut by a clause boundary', () => {
    expect(redactMoney('Charter was one thousand, four hundred and fifty. Bring ice.', amounts)).toBe('Bring ice.');
  });

  it('keeps numbers in words and shares that are not the booking’s', () => {
    for (const text of ['Cut the cake at three', '50% chance of rain', 'Two hundred yards to the fuel dock']) {
      expect(mentionsMoney(text, amounts)).toBe(false);
    }
  });

  it('reads every revision’s amounts', () => {
    const both = [amounts, { revenue_cents: 220000, captain_fee_cents: 40000 }];
    expect(mentionsMoney('Charter was 2200', both)).toBe(true);
    expect(mentionsMoney('Charter was 1450', both)).toBe(true);
  });
});

describe('someone on the boat getting a number is money, amounts or not', () => {
  it.each([
    ['Captain gets 300'],
    ['Capt keeps 1.2k'],
    ['Captain takes 20%'],
    ['Crew makes two hundred each'],
    ['Owner clears 900 after fuel'],
    ['We get 40 percent'],
  ])('removes %s', (line) => {
    expect(redactMoney(`${line}\nBring ice.`)).toBe('Bring ice.');
  });

  it.each([['Captain gets 2 hours off'], ['We get 6 guests and 2 kids'], ['The boat takes 12 people']])(
    'keeps %s',
    (line) => {
      expect(mentionsMoney(line)).toBe(false);
    },
  );
});

describe('scrubText: contact details, then money', () => {
  const facts = privateFactsOf({
    revenue_cents: 145000,
    captain_fee_cents: 30000,
    guest: { email: 'dana@example.com', phone: '+1 (619) 555-0100' },
  });

  it.each([
    ['Guest is DANA@EXAMPLE.COM, say hi', 'Guest is [contact removed], say hi'],
    ['Photos to Dana@Example.com.', 'Photos to [contact removed].'],
    ['write dana [at] example [dot] com', 'write [contact removed]'],
    ['reach dana at example dot com', 'reach [contact removed]'],
    ['Her cell 619.555.0100, or +16195550100', 'Her cell [contact removed], or [contact removed]'],
    ['Text 555-0100 on arrival', 'Text [contact removed] on arrival'],
  ])("removes the guest's own contact in any case or spelling: %s", (text, expected) => {
    expect(scrubText(text, facts)).toBe(expected);
  });

  it.each([
    [
      'Call (858) 555-0199 or 858.555.0199 or 8585550199.',
      'Call [contact removed] or [contact removed] or [contact removed].',
    ],
    ['Office +44 20 7946 0958 called.', 'Office [contact removed] called.'],
    ['Agent: Bob.Smith+charters@Agency.co.uk', 'Agent: [contact removed]'],
    ['Moved from 2027-03-02 10:00 to 2027-03-03; 12 guests.', 'Moved from 2027-03-02 10:00 to 2027-03-03; 12 guests.'],
    ['Booking GMB-88213 cancelled at 16:05.', 'Booking GMB-88213 cancelled at 16:05.'],
  ])('removes anyone’s email address and phone number, and nothing else: %s', (text, expected) => {
    expect(scrubText(text)).toBe(expected);
  });

  it.each([
    ['Guest is dana\uff20example.com', 'Guest is [contact removed]'],
    ['Photos to dana@example\uff0ecom please', 'Photos to [contact removed] please'],
    ['Agent: bob\uff20agency\uff0eco\uff0euk', 'Agent: [contact removed]'],
    ['Bring ice.\nCaptain gets \uff13\uff10\uff10', 'Bring ice.'],
    ['Bring ice.\nCharter was \uff11\uff14\uff15\uff10', 'Bring ice.'],
  ])('reads full-width and other compatibility characters as what they stand for (NFKC): %s', (text, expected) => {
    expect(scrubText(text, facts)).toBe(expected);
  });

  it.each([
    ['Bring ice.\nCaptain gets 3\u200b00', 'Bring ice.'],
    ['Bring ice.\nCharter was 1\u00ad450', 'Bring ice.'],
    ['Bring ice.\nCharter was fourteen\u200bfifty', 'Bring ice.'],
    ['Bring ice.\nCharter was \u0661\u0664\u0665\u0660', 'Bring ice.'],
    ['Bring ice.\nCaptain gets \u0969\u0966\u0966', 'Bring ice.'],
    ['Guest is dana\u200d@example.com', 'Guest is [contact removed]'],
    ['Call 619\u2060555\u20600100 at the dock', 'Call [contact removed] at the dock'],
  ])('sees through characters that show as nothing and other scripts’ digits: %s', (text, expected) => {
    expect(scrubText(text, facts)).toBe(expected);
  });

  it('reads a price said as two numbers as hundreds, and only where both are 10-99', () => {
    expect(scrubText('Bring ice.\nCharter was fourteen fifty', facts)).toBe('Bring ice.');
    expect(scrubText('Bring ice.\nFourteen-fifty all in', facts)).toBe('Bring ice.');
    expect(scrubText('Twelve guests, fifty towels', facts)).toBe('Twelve guests, fifty towels');
    expect(scrubText('Meet at dock fourteen', facts)).toBe('Meet at dock fourteen');
  });

  it('scrubs a location that holds the money and the guest’s cell', () => {
    expect(scrubField('Shelter Island, $1,450, capt fee $300, guest cell 619 555 0100', facts, 200)).toBe(
      'Shelter Island, guest cell [contact removed]',
    );
  });

  it('never leaves a required field empty, and keeps it to its length', () => {
    expect(scrubField('$1,450 paid', facts, 100)).toBe('Ask the operator');
    expect(scrubField(`JADA ${'x'.repeat(200)}`, facts, 100)).toHaveLength(100);
  });

  it('greets by the first name unless the name is a contact detail', () => {
    expect(safeFirstName('Dana Whitfield', facts)).toBe('Dana');
    expect(safeFirstName('DANA@EXAMPLE.COM', facts)).toBeUndefined();
    expect(safeFirstName('+1 619 555 0100', facts)).toBeUndefined();
  });

  it('is undefined when nothing is left', () => {
    expect(scrubText('Revenue $1,450; captain 300', facts)).toBeUndefined();
    expect(scrubText('Revenue $1,450; dana@example.com', facts)).toBe('[contact removed]');
    expect(scrubText(undefined, facts)).toBeUndefined();
  });

  it('keeps each revision’s facts once: amounts, emails in any case, phones in any format', () => {
    const later = privateFactsOf({
      revenue_cents: 145000,
      guest: { email: 'Dana@Example.com', phone: '619-555-0100' },
    });
    expect(mergePrivateFacts(facts, later)).toEqual({
      amounts: [{ revenue_cents: 145000, captain_fee_cents: 30000 }, { revenue_cents: 145000 }],
      emails: ['dana@example.com'],
      phones: ['+1 (619) 555-0100'],
    });
  });
});

describe('stripControls', () => {
  it('drops C0 controls, DEL and bidi overrides and isolates, and puts the text on one line', () => {
    const hostile = 'a\u0000b\u001b\u007fc\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069d\r\n\te';
    expect(stripControls(hostile)).toBe('abcd e');
  });
  it('drops C1 controls and bidi marks, and reads NEL and line separators as spaces', () => {
    expect(stripControls('a\u0085b\u009b31mc\u200e\u200f\u061cd\u2028e\u2029f')).toBe('a b31mcd e f');
  });
  it('leaves ordinary text, accents and emoji as written', () => {
    expect(stripControls('Désolée — sick kid 🤒, sorry!')).toBe('Désolée — sick kid 🤒, sorry!');
  });
});
