/** A pattern EventBridge would refuse at PutRule, with the reason it would give. */
export class InvalidEventPatternError extends Error {
  override name = 'InvalidEventPatternError';
  /** The part after "Reason: ", i.e. Ruler's own message. */
  readonly reason: string;

  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.reason = reason;
  }
}

/** Refuses the pattern with Ruler's reason. */
export function invalid(reason: string): never {
  throw new InvalidEventPatternError(reason);
}
