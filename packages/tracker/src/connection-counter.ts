/**
 * Connections per client IP, all swarms together, in this process. A connection is counted
 * from its admission until its transport closes, whatever happens in between.
 *
 * @example
 * const counter = new ConnectionCounter(32);
 * if (!counter.admit(ip, conn)) refuse();
 */
export class ConnectionCounter {
  readonly #byIp = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Counts `connection` for `ip` when under the limit; it is uncounted when it closes. */
  admit(ip: string, connection: { once(event: 'close', listener: () => void): unknown }): boolean {
    const count = this.#byIp.get(ip) ?? 0;
    if (count >= this.limit) return false;
    this.#byIp.set(ip, count + 1);
    connection.once('close', () => {
      const left = (this.#byIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.#byIp.delete(ip);
      else this.#byIp.set(ip, left);
    });
    return true;
  }

  /** Connections counted for `ip`. */
  count(ip: string): number {
    return this.#byIp.get(ip) ?? 0;
  }
}
