import type { Logger } from '@aws-lambda-powertools/logger';
import { setting } from './config';
import { entryFromDeadLetter } from './domain/dead-letters';
import { refusalFromDeadLetter, silenceOf, silentPartnerAlert } from './domain/partners';
import { raiseAlert } from './store/alerts';
import { peekDeadLetters } from './store/dead-letter-queues';
import { forgetStaleHours, readPartners, recordRefusal } from './store/partners';
import { recordEntry } from './store/timeline';

/**
 * Dead letters already put on their timelines by this execution environment: a letter stays in its queue until
 * someone redrives it, and the watch sees it every minute; writing it again would change nothing but the bill.
 */
const recorded = new Set<string>();
/** Alerts this environment raised or found raised: a silence lasts many minutes, its alert is tried once here. */
const alerted = new Set<string>();
/** Per queue, the most one run reads; SQS hands a queue's messages out in no set order, so later runs see the rest. */
const RECORDED_PER_QUEUE = 100;

export interface WatchSummary {
  dead_letters: number;
  new_dead_letters: number;
  partners: number;
  alerts_raised: number;
}

/**
 * One run of the watch, as of `now`: every dead letter onto its booking's timeline (and a `not_owner` one onto the
 * refused partner's health), the partners' refusal counts older than a day forgotten, then an alert, once, for each
 * partner silent for longer than its limit. An alert is a stored item the console lists and one ERROR log line with
 * an `alert` field, which the stack's metric filter turns into an alarm mailed to the operator.
 */
export async function watchOnce(now: Date, logger: Logger): Promise<WatchSummary> {
  const peek = await peekDeadLetters(setting('DEAD_LETTER_QUEUES'), RECORDED_PER_QUEUE);
  if (peek.missing.length) logger.warn('dead-letter queues missing in this stage', { queues: peek.missing });
  let fresh = 0;
  for (const letter of peek.letters) {
    if (recorded.has(letter.message_id)) continue;
    const entry = entryFromDeadLetter(letter);
    if (entry) await recordEntry(entry);
    const refused = refusalFromDeadLetter(letter);
    if (refused) await recordRefusal({ bucket: refused.partner, name: refused.partner, refusal: refused.refusal });
    recorded.add(letter.message_id);
    fresh++;
    logger.warn('dead letter', {
      booking_id: letter.booking_id,
      queue: letter.queue,
      function_name: letter.function_name,
      error_type: letter.error_type,
      reason: letter.reason,
    });
  }
  let raised = 0;
  const { partners } = await readPartners();
  const hours = setting('PARTNER_SILENCE_HOURS');
  for (const state of partners) await forgetStaleHours(state, now);
  for (const state of partners) {
    const silence = silenceOf(state, hours, now);
    if (silence.kind !== 'silent') continue;
    const alert = silentPartnerAlert(state, silence, now, setting('CONSOLE_URL'));
    if (alerted.has(alert.id)) continue;
    const first = await raiseAlert(alert);
    alerted.add(alert.id);
    if (!first) continue;
    raised++;
    logger.error(alert.message, { alert: alert.kind, alert_id: alert.id, partner: alert.partner });
  }
  return {
    dead_letters: peek.letters.length,
    new_dead_letters: fresh,
    partners: partners.length,
    alerts_raised: raised,
  };
}
