import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { TrackerErrorCode } from '@streamrp2p/protocol';

/** Live gauge values, read when `/metrics` or `/stats` is served. */
export interface GaugeSource {
  sockets(): number;
  counts(): Promise<{ swarms: number; peers: number }>;
}

/**
 * The tracker's counters, kept both as plain numbers (for `/stats`) and as
 * Prometheus metrics in a Registry of its own, so several trackers in one
 * process never collide in prom-client's global registry.
 */
export class TrackerMetrics {
  readonly registry = new Registry();
  joins = 0;
  signalsRelayed = 0;
  ticketsIssued = 0;
  readonly rejected: Partial<Record<TrackerErrorCode, number>> = {};

  readonly #joins: Counter;
  readonly #signals: Counter;
  readonly #tickets: Counter<'via'>;
  readonly #errors: Counter<'code'>;

  constructor(source: GaugeSource, options: { collectDefaultMetrics: boolean }) {
    const registers = [this.registry];
    new Gauge({
      name: 'streamrp2p_tracker_sockets',
      help: 'Connected sockets.',
      registers,
      collect() {
        this.set(source.sockets());
      },
    });
    new Gauge({
      name: 'streamrp2p_tracker_swarms',
      help: 'Non-empty swarms.',
      registers,
      async collect() {
        this.set((await source.counts()).swarms);
      },
    });
    new Gauge({
      name: 'streamrp2p_tracker_peers',
      help: 'Swarm memberships (a socket in two swarms counts twice).',
      registers,
      async collect() {
        this.set((await source.counts()).peers);
      },
    });
    this.#joins = new Counter({
      name: 'streamrp2p_tracker_joins_total',
      help: 'Successful joins.',
      registers,
    });
    this.#signals = new Counter({
      name: 'streamrp2p_tracker_signals_relayed_total',
      help: 'Signals relayed between peers.',
      registers,
    });
    this.#tickets = new Counter({
      name: 'streamrp2p_tracker_tickets_issued_total',
      help: 'Meeting tickets issued, with a relayed signal or by renewal.',
      labelNames: ['via'],
      registers,
    });
    this.#errors = new Counter({
      name: 'streamrp2p_tracker_errors_total',
      help: 'Rejected events and connections, by error code.',
      labelNames: ['code'],
      registers,
    });
    if (options.collectDefaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  countJoin(): void {
    this.joins++;
    this.#joins.inc();
  }

  countSignal(): void {
    this.signalsRelayed++;
    this.#signals.inc();
  }

  countTicket(via: 'signal' | 'renewal'): void {
    this.ticketsIssued++;
    this.#tickets.inc({ via });
  }

  countRejected(code: TrackerErrorCode): void {
    this.rejected[code] = (this.rejected[code] ?? 0) + 1;
    this.#errors.inc({ code });
  }
}
