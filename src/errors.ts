/** A loss or gradient turned NaN or infinite; the message says where and the likely cause. */
export class NonFiniteError extends RangeError {
  /**
   * The message is `where: detail` and the usual causes.
   * @param where The call (and for fit the epoch and batch), first in the message.
   * @param detail What went wrong, e.g. which loss or gradient was not finite.
   */
  constructor(where: string, readonly detail: string) {
    super(`${where}: ${detail} (a learning rate that is too high, or inputs that are not normalised, are the usual causes)`);
    this.name = 'NonFiniteError';
  }
}
