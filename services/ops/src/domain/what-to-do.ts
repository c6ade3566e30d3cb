import type { ProblemCode } from './status';

/**
 * What the operator does next about each kind of problem, in one line the console shows under it (the ops README lists
 * the same). The operator runs the business from a phone: each line names the command to run or the person to call.
 */
export const WHAT_TO_DO: Record<ProblemCode, (subject: string) => string> = {
  step_overdue: (service) =>
    `Look for a ${service} dead letter of this booking and replay it once its cause is fixed; with none, search the ` +
    `${service} log for the booking id.`,
  notice_overdue: (name) =>
    `Call ${name} with the plan; then look for a notifications dead letter, or search its log for the booking id.`,
  dead_letter: (command) => `Fix the cause, then replay it: ${command} (safe: each service skips what it already did).`,
  not_owner: (partner) =>
    `Nothing to replay (it would be refused again): ask ${partner} why its sync sent a booking another partner owns.`,
  declined: () =>
    'Call the captain for a replacement, then change the crew on the crew event (scc PATCH /events/{event_id}): the ' +
    'new member gets a crew call.',
  email_bounced: (name) =>
    `Call ${name}: the crew email did not reach them. Correct their address in the roster (scc PUT /crew).`,
  email_complained: (name) => `Call ${name}: they marked the crew email as spam, so it may not reach them again.`,
  email_rejected: (name) => `SES would not send it: check the sending identity in SES, and call ${name}.`,
};
