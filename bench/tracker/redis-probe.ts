/**
 * The bench's own view of Redis in cluster runs: `INFO` snapshots (memory,
 * CPU, command counts) and deleting one key prefix. A bare RESP client over
 * one TCP connection, so the bench needs no Redis library of its own and
 * never issues anything but INFO, SCAN and UNLINK.
 */
import { connect, type Socket } from 'node:net';

type Reply = string | number | null | Reply[] | Error;

/** Parses one RESP reply at `at`; undefined when the buffer does not hold all of it yet. */
function parseReply(buf: Buffer, at: number): { value: Reply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  switch (String.fromCharCode(buf[at]!)) {
    case '+':
      return { value: line, next: eol + 2 };
    case '-':
      return { value: new Error(line), next: eol + 2 };
    case ':':
      return { value: Number(line), next: eol + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + length + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + length), next: eol + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      const items: Reply[] = [];
      let next = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: count < 0 ? null : items, next };
    }
    default:
      throw new Error(`unexpected RESP reply: ${line}`);
  }
}

/** `INFO` sections as name -> value. */
export type RedisInfo = Map<string, string>;

/** The figures a cluster run compares before and after. */
export interface RedisSnapshot {
  usedMemory: number;
  /** used_cpu_user + used_cpu_sys, seconds. */
  cpuSeconds: number;
  totalCommands: number;
  /** Calls per command name (`INFO commandstats`), commands run inside scripts included. */
  calls: Record<string, number>;
}

/** One connection to Redis, commands answered in order. */
export class RedisProbe {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #waiting: Array<{ resolve(r: Reply): void; reject(e: Error): void }> = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => {
      for (const w of this.#waiting.splice(0)) w.reject(new Error('Redis connection closed'));
    });
    socket.on('error', () => undefined);
  }

  /** Connects to a `redis://host:port` URL (no auth, no TLS: loopback bench only). */
  static open(url: string): Promise<RedisProbe> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port || 6379) });
      socket.setTimeout(5000, () => socket.destroy(new Error(`Redis at ${url} timed out`)));
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.setTimeout(0);
        resolve(new RedisProbe(socket));
      });
    });
  }

  command(...args: string[]): Promise<Reply> {
    const frame = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#socket.write(frame);
    });
  }

  async info(...sections: string[]): Promise<RedisInfo> {
    const reply = await this.command('INFO', ...sections);
    if (typeof reply !== 'string') throw new Error(`INFO answered ${String(reply)}`);
    const info: RedisInfo = new Map();
    for (const line of reply.split('\r\n')) {
      const at = line.indexOf(':');
      if (at > 0 && !line.startsWith('#')) info.set(line.slice(0, at), line.slice(at + 1));
    }
    return info;
  }

  async snapshot(): Promise<RedisSnapshot> {
    const info = await this.info('memory', 'cpu', 'stats', 'commandstats');
    const num = (key: string) => Number(info.get(key) ?? 0);
    const calls: Record<string, number> = {};
    for (const [key, value] of info) {
      if (!key.startsWith('cmdstat_')) continue;
      calls[key.slice('cmdstat_'.length)] = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
    }
    return {
      usedMemory: num('used_memory'),
      cpuSeconds: num('used_cpu_user') + num('used_cpu_sys'),
      totalCommands: num('total_commands_processed'),
      calls,
    };
  }

  /** Deletes every key starting with `prefix` (SCAN + UNLINK); returns how many. */
  async deletePrefix(prefix: string): Promise<number> {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const reply = await this.command('SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000');
      if (!Array.isArray(reply)) throw new Error(`SCAN answered ${String(reply)}`);
      const [next, keys] = reply as [string, string[]];
      cursor = next;
      if (keys.length > 0) deleted += Number(await this.command('UNLINK', ...keys));
    } while (cursor !== '0');
    return deleted;
  }

  close(): void {
    this.#socket.end();
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let at = 0;
    for (;;) {
      if (at >= this.#buffer.length) break;
      const parsed = parseReply(this.#buffer, at);
      if (parsed === undefined) break;
      at = parsed.next;
      const waiter = this.#waiting.shift();
      if (parsed.value instanceof Error) waiter?.reject(parsed.value);
      else waiter?.resolve(parsed.value);
    }
    this.#buffer = this.#buffer.subarray(at);
  }
}
