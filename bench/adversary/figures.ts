/**
 * The run's headline figures and the numbers as checks: each passes, fails, or is
 * `n/a` while the defence (or the figure it needs) is missing.
 */
import { HONEST_POINTS_PER_MINUTE } from './attacks/points.js';
import type { AdversaryResult, Checkpoint } from './run.js';

export interface Check {
  name: string;
  value: string;
  target: string;
  /** null: the figure does not exist yet (its defence has not landed). */
  pass: boolean | null;
}

export interface Headline {
  fabricatedCreditedBytes: number;
  fabricatedPayableBytes: number | null;
  farmCreditedLiveEnd: number;
  farmPhysicalBoundLiveEnd: number;
  farmPayableFirstHour: number | null;
  honestCreditedBytes: number;
  honestPayableBytes: number | null;
  honestFrozenBytes: number | null;
  honestPayableShare: number | null;
  honestReputationMin: number | null;
  farmReputationMax: number | null;
  farmerPointsPerMinute: number | null;
  honestPointsPerMinuteMax: number | null;
  /** Points the farm's identities earned in all, and the highest rate of one of them. */
  farmPoints: number;
  farmPointsPerMinuteMax: number | null;
  forgedBytes: number | null;
}

/** The first config value whose name matches `pattern` (numbers only). */
export function findCap(
  fields: Record<string, unknown>,
  pattern: RegExp,
): [string, number] | undefined {
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'number' && pattern.test(key)) return [key, value];
  }
  return undefined;
}

const point = (r: AdversaryResult, name: string): Checkpoint | undefined =>
  r.checkpoints.find((c) => c.name === name);

export function headline(r: AdversaryResult): Headline {
  const live = point(r, 'live end');
  const minute59 = point(r, 'farm minute 59');
  const end = point(r, 'after growth');
  const firstHour = [live, minute59].map((c) => c?.farm.payableBytes ?? null);
  const honestRates = r.honestPoints.map((p) => p.balance / Math.max(1, p.minutes));
  const farmRates = r.farmPoints.map((p) => p.balance / Math.max(1, p.minutes));
  return {
    fabricatedCreditedBytes:
      (r.farm?.creditedBytes ?? 0) + (r.forged?.baselineBytes ?? 0) + (r.forged?.forgedBytes ?? 0),
    fabricatedPayableBytes:
      end?.farm.payableBytes === null || end === undefined
        ? null
        : end.farm.payableBytes + (r.forgedUploaderCredit?.payableBytes ?? 0),
    farmCreditedLiveEnd: live?.farmCreditedByAnswers ?? 0,
    farmPhysicalBoundLiveEnd: live?.farmPhysicalBoundBytes ?? 0,
    farmPayableFirstHour:
      firstHour.some((v) => v === null) || firstHour.length === 0
        ? null
        : Math.max(...(firstHour as number[])),
    honestCreditedBytes: end?.honest.creditedBytes ?? 0,
    honestPayableBytes: end?.honest.payableBytes ?? null,
    honestFrozenBytes: end?.honest.frozenBytes ?? null,
    honestPayableShare:
      end && end.honest.payableBytes !== null && end.honest.creditedBytes > 0
        ? end.honest.payableBytes / end.honest.creditedBytes
        : null,
    honestReputationMin: end?.honest.reputationMin ?? null,
    farmReputationMax: end?.farm.reputationMax ?? null,
    farmerPointsPerMinute: r.points?.perMinute ?? null,
    honestPointsPerMinuteMax: honestRates.length ? Math.max(...honestRates) : null,
    farmPoints: r.farmPoints.reduce((sum, p) => sum + p.balance, 0),
    farmPointsPerMinuteMax: farmRates.length ? Math.max(...farmRates) : null,
    forgedBytes: r.forged && !r.forged.skipped ? r.forged.forgedBytes : null,
  };
}

const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1e6).toFixed(2)} MB`);

export function checks(r: AdversaryResult): Check[] {
  const h = headline(r);
  const list: Check[] = [];
  list.push({
    name: 'farm credit within the physical bound (live end)',
    value: mb(h.farmCreditedLiveEnd),
    target: `<= ${mb(h.farmPhysicalBoundLiveEnd)} (top bitrate x receiver lifetimes)`,
    pass: r.farm ? h.farmCreditedLiveEnd <= h.farmPhysicalBoundLiveEnd : null,
  });
  const uploaderCap = findCap(r.limits.coordinator, /^uploaderMaxKbps$/);
  const live = point(r, 'live end');
  list.push({
    name: "a farm uploader's credited rate (live end)",
    value: live ? `${live.farmUploaderMaxKbps} kbit/s` : 'n/a',
    target: uploaderCap
      ? `<= ${uploaderCap[1]} kbit/s (${uploaderCap[0]})`
      : 'cap not configured yet',
    pass: live && uploaderCap ? live.farmUploaderMaxKbps <= uploaderCap[1] : null,
  });
  list.push({
    name: 'farm payable in its first hour',
    value: mb(h.farmPayableFirstHour),
    target: '0',
    pass: h.farmPayableFirstHour === null ? null : h.farmPayableFirstHour === 0,
  });
  list.push({
    name: 'honest credit payable after growth',
    value:
      h.honestPayableShare === null
        ? 'n/a'
        : `${(h.honestPayableShare * 100).toFixed(1)}% of ${mb(h.honestCreditedBytes)}`,
    target: '>= 99% (and some credit)',
    pass:
      h.honestPayableShare === null
        ? null
        : h.honestCreditedBytes > 0 && h.honestPayableShare >= 0.99,
  });
  list.push({
    name: 'replayed and forged receipts credited',
    value: mb(h.forgedBytes),
    target: '0',
    pass: h.forgedBytes === null ? null : h.forgedBytes === 0,
  });
  // Watch time pays whole minutes: an honest supporter earns 5 per started minute at most.
  const honestCeiling = r.points ? HONEST_POINTS_PER_MINUTE * Math.ceil(r.points.minutes) : 0;
  list.push({
    name: 'points of the farming identity',
    value: r.points
      ? `${r.points.balance} in ${r.points.minutes.toFixed(2)} min (${r.points.perMinute.toFixed(1)}/min)`
      : 'n/a',
    target: `<= ${honestCeiling} (${HONEST_POINTS_PER_MINUTE}/min, an honest supporter's rate)`,
    pass: r.points ? r.points.balance <= honestCeiling : null,
  });
  list.push({
    name: 'points per minute of a farm identity (its own heartbeats)',
    value:
      h.farmPointsPerMinuteMax === null
        ? 'n/a'
        : `${h.farmPointsPerMinuteMax.toFixed(2)} (${h.farmPoints} points in all)`,
    target: `<= ${HONEST_POINTS_PER_MINUTE}`,
    pass:
      h.farmPointsPerMinuteMax === null
        ? null
        : h.farmPointsPerMinuteMax <= HONEST_POINTS_PER_MINUTE,
  });
  const coordinator = r.limits.coordinator;
  const tracker = r.limits.tracker;
  const caps: [
    string,
    { accepted: number; attempted: number } | undefined,
    [string, number] | undefined,
  ][] = [
    [
      'sessions created from one address in a burst',
      r.sybil?.sessions,
      findCap(coordinator, /session.*(minute|address)|(minute|address).*session/i),
    ],
    [
      'streamer accounts from one address',
      r.sybil?.accounts,
      findCap(
        coordinator,
        /(streamer|account).*(hour|address)|(hour|address).*(streamer|account)/i,
      ),
    ],
    [
      'tracker sockets from one address',
      r.sybil?.sockets,
      findCap(tracker, /socket.*(ip|address)|(ip|address).*socket|^maxPeersPerIp$/i),
    ],
  ];
  for (const [name, flood, cap] of caps) {
    list.push({
      name,
      value: flood ? `${flood.accepted} of ${flood.attempted}` : 'n/a',
      target: cap ? `<= ${cap[1]} (${cap[0]})` : 'cap not configured yet',
      pass: flood && cap ? flood.accepted <= cap[1] : null,
    });
  }
  list.push({
    name: 'swarm joins of made-up rendition ids',
    value: r.sybil
      ? `${r.sybil.fakeRenditionJoins.accepted} of ${r.sybil.fakeRenditionJoins.attempted}`
      : 'n/a',
    target: '0',
    pass: r.sybil ? r.sybil.fakeRenditionJoins.accepted === 0 : null,
  });
  const fiveHundreds = Object.values(r.serverErrors).reduce((s, n) => s + n, 0);
  list.push({
    name: '5xx answers to attackers',
    value: String(fiveHundreds),
    target: '0',
    pass: fiveHundreds === 0,
  });
  return list;
}
