/**
 * The two ways an operator task fails. A UsageError is bad input found before anything was sent (exit
 * code 2); an OperationFailed is a refusal by the chain, already decoded to the contract's custom error
 * (exit code 1). Neither prints a stack trace.
 */

/** One problem with one argument. */
export interface ArgumentProblem {
  /** The argument as typed on the command line (`--isin`), or "" for the whole input. */
  argument: string;
  message: string;
}

export class UsageError extends Error {
  readonly problems: ArgumentProblem[];

  constructor(message: string, problems: ArgumentProblem[] = []) {
    super(message);
    this.name = "UsageError";
    this.problems = problems;
  }
}

export class OperationFailed extends Error {
  /** The decoded custom error, e.g. `IdentityAlreadyRegistered(0xabc…)`, or the node's message. */
  readonly reason: string;

  constructor(action: string, reason: string) {
    super(`${action} refused: ${reason}`);
    this.name = "OperationFailed";
    this.reason = reason;
  }
}
