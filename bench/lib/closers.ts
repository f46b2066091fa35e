/**
 * Everything a run has started (servers, browsers, pages), closed in reverse order exactly once,
 * whether the run ends normally, fails, times out or is interrupted.
 */
const CLOSE_TIMEOUT_MS = 15_000;

export class Closers {
  private readonly entries: { name: string; close: () => Promise<void> }[] = [];

  /** Registers `close`; returns a function that closes it now and forgets it. */
  add(name: string, close: () => Promise<void>): () => Promise<void> {
    const entry = { name, close };
    this.entries.push(entry);
    return async () => {
      const index = this.entries.indexOf(entry);
      if (index === -1) return;
      this.entries.splice(index, 1);
      await closeBounded(entry);
    };
  }

  /** Closes everything still open, newest first; never throws. */
  async closeAll(): Promise<void> {
    while (this.entries.length > 0) {
      const entry = this.entries.pop()!;
      await closeBounded(entry);
    }
  }
}

async function closeBounded(entry: { name: string; close: () => Promise<void> }): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      entry.close(),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          console.error(`closing ${entry.name} took over ${CLOSE_TIMEOUT_MS} ms; moving on`);
          resolve();
        }, CLOSE_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    console.error(`closing ${entry.name} failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
