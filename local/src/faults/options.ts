/**
 * `--faults dynamodb=0.2,s3=0.2,ses=0.2,eventbridge=0.1[,seed=42][,lambda-timeout=0.05]`: the fraction of
 * data-plane requests each stand-in answers with a transient fault, as ../shared/ARCHITECTURE.md ("Faults") says.
 */

/** The stand-ins that can answer with faults, by the key `--faults` names them with. */
export const FAULT_TARGETS = ['dynamodb', 's3', 'ses', 'eventbridge', 'secretsmanager', 'sqs'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

export type FaultOptions = Partial<Record<FaultTarget, number>> & {
  /** Fraction of Lambda invocations stopped as timed out, part of the way through their work. */
  lambdaTimeout?: number;
  /** Makes the faults repeatable; without one a seed is drawn (and printed, so a run can be repeated). */
  seed?: number;
};

export class FaultOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultOptionsError';
  }
}

const KEYS = [...FAULT_TARGETS, 'lambda-timeout', 'seed'];

/** Reads the `--faults` list; an unknown key or a rate outside 0-1 is an error naming it. */
export function parseFaults(spec: string): FaultOptions {
  const options: FaultOptions = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = '', value, ...rest] = part.split('=');
    if (value === undefined || rest.length > 0)
      throw new FaultOptionsError(`--faults: "${part}" is not key=value (keys: ${KEYS.join(', ')})`);
    const number = Number(value);
    if (key === 'seed') options.seed = number;
    else if (key === 'lambda-timeout') options.lambdaTimeout = number;
    else if ((FAULT_TARGETS as readonly string[]).includes(key)) options[key as FaultTarget] = number;
    else throw new FaultOptionsError(`--faults: unknown key "${key}" (keys: ${KEYS.join(', ')})`);
  }
  return validateFaults(options);
}

/** The same checks for options given in code (`startLocalCloud({ faults })`). */
export function validateFaults(options: FaultOptions): FaultOptions {
  for (const [key, rate] of Object.entries(options)) {
    if (key === 'seed') continue;
    if (key !== 'lambdaTimeout' && !(FAULT_TARGETS as readonly string[]).includes(key))
      throw new FaultOptionsError(
        `faults: unknown key "${key}" (${[...FAULT_TARGETS, 'lambdaTimeout', 'seed'].join(', ')})`,
      );
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new FaultOptionsError(`faults: ${key} must be a fraction from 0 to 1, got ${String(rate)}`);
  }
  const { seed } = options;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    throw new FaultOptionsError(`faults: seed must be an integer from 0 to 2^32 - 1, got ${String(seed)}`);
  return options;
}
