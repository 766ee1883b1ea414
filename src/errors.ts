/** A loss or gradient turned NaN or infinite; the message says where and the likely cause. */
export class NonFiniteError extends RangeError {
  /** `where` names the call (and for fit the epoch and batch); `detail` what went wrong. */
  constructor(where: string, readonly detail: string) {
    super(`${where}: ${detail} (a learning rate that is too high, or inputs that are not normalised, are the usual causes)`);
    this.name = 'NonFiniteError';
  }
}
