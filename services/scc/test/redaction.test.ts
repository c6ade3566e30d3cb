import { crewSafeNotes, mentionsMoney, redactMoney } from '../src/domain/redaction';

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
    expect(mentionsMoney('Captain gets 300', { revenue_cents: 145000 })).toBe(false);
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
      crewSafeNotes('Meet at dock 3 at 9:30, charter was 1450 and captain gets 300. Bring ice.', undefined, amounts),
    ).toBe('Meet at dock 3 at 9:30. Bring ice.');
  });
});

describe('crewSafeNotes', () => {
  const guest = { name: 'Ann Lee', email: 'ann@example.com', phone: '+1 (619) 555-0100' };

  it("removes the guest's own email and phone from the notes", () => {
    const notes = 'Call Ann at 619-555-0100 or ann@example.com if late.\nDock master: 619-555-0199';
    const safe = crewSafeNotes(notes, guest)!;
    expect(safe).not.toContain('555-0100');
    expect(safe).not.toContain('ann@example.com');
    expect(safe).toContain('619-555-0199');
  });

  it('is undefined when nothing is left', () => {
    expect(crewSafeNotes('Revenue $1,450', guest)).toBeUndefined();
    expect(crewSafeNotes(undefined, guest)).toBeUndefined();
  });
});
