/**
 * A stream's money: revenue entry and history, periods (close one, see its split and each
 * supporter's earnings), the streamer's statement with CSV download, and payouts.
 */
import type { StreamResponse } from '@streamrp2p/protocol';
import type {
  PayoutsResponse,
  PeriodDetailResponse,
  PeriodsResponse,
  RevenueEventsResponse,
  StreamerStatementResponse,
} from '@streamrp2p/protocol/api-schemas';
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { formatBytes, formatMoney, formatTime, parseMoney } from '../api/format.js';
import { FormError } from '../components/form-error.js';
import { StreamTabs } from '../components/stream-tabs.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';
import { StreamHead } from './stream.js';

export function MoneyPage({ streamId }: { streamId: string }) {
  const { me } = useSession();
  const streamerPath = `/api/streamers/${encodeURIComponent(me.streamer.streamerId)}`;
  const streamPath = `/api/streams/${encodeURIComponent(streamId)}`;
  const stream = useAsync(() => api<StreamResponse>('GET', streamPath), [streamId]);
  const statement = useAsync(
    () => api<StreamerStatementResponse>('GET', `${streamerPath}/statements`),
    [streamerPath],
  );
  const revenue = useAsync(
    () => api<RevenueEventsResponse>('GET', `${streamPath}/revenue`),
    [streamId],
  );
  const periods = useAsync(() => api<PeriodsResponse>('GET', `${streamPath}/periods`), [streamId]);
  const payouts = useAsync(
    () => api<PayoutsResponse>('GET', `${streamerPath}/payouts`),
    [streamerPath],
  );
  const currency = statement.data?.currency;
  return (
    <>
      <StreamHead stream={stream.data} streamId={streamId} />
      <StreamTabs streamId={streamId} current="money" />
      <div class="kpis three">
        <div class="kpi">
          <span class="kpi-label">Owed to you</span>
          <span class="kpi-value" data-testid="owed">
            {statement.data ? formatMoney(statement.data.owedMicros, statement.data.currency) : '—'}
          </span>
          <span class="kpi-note">all streams, after closed periods and payouts</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">Revenue settled</span>
          <span class="kpi-value">
            {statement.data
              ? formatMoney(
                  statement.data.periods
                    .filter((p) => p.streamId === streamId)
                    .reduce((sum, p) => sum + p.revenueMicros, 0),
                  statement.data.currency,
                )
              : '—'}
          </span>
          <span class="kpi-note">this stream, in closed periods</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">Paid to supporters</span>
          <span class="kpi-value">
            {statement.data
              ? formatMoney(
                  statement.data.periods
                    .filter((p) => p.streamId === streamId)
                    .reduce((sum, p) => sum + p.poolMicros, 0),
                  statement.data.currency,
                )
              : '—'}
          </span>
          <span class="kpi-note">this stream's supporter pool</span>
        </div>
      </div>
      <div class="grid-2">
        <RevenueEntry
          streamPath={streamPath}
          currency={currency}
          onRecorded={() => revenue.reload()}
        />
        <ClosePeriod
          streamPath={streamPath}
          onClosed={() => {
            periods.reload();
            statement.reload();
            revenue.reload();
          }}
        />
      </div>
      <section class="card" aria-labelledby="periods-title">
        <div class="section-head">
          <h2 id="periods-title">Periods and statements</h2>
          <a
            class="button small"
            href={`${streamerPath}/statements?format=csv`}
            download
            data-testid="statement-csv"
          >
            Download statement (CSV)
          </a>
        </div>
        <FormError error={periods.error} />
        {periods.data === undefined ? (
          <p class="muted">Loading…</p>
        ) : periods.data.periods.length === 0 ? (
          <p class="empty">
            No period closed yet. Closing one splits its revenue: platform fee, supporter pool (with
            half the CDN saving) and your share.
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table" data-testid="periods">
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col" class="num">
                    Revenue
                  </th>
                  <th scope="col" class="num">
                    Fee
                  </th>
                  <th scope="col" class="num">
                    Supporters
                  </th>
                  <th scope="col" class="num">
                    Your share
                  </th>
                  <th scope="col" class="num">
                    CDN saved
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {periods.data.periods.map((p) => (
                  <PeriodRow key={p.periodId} period={p} streamPath={streamPath} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <div class="grid-2">
        <RevenueList revenue={revenue.data} error={revenue.error} />
        <Payouts payouts={payouts.data} error={payouts.error} />
      </div>
    </>
  );
}

function PeriodRow({
  period: p,
  streamPath,
}: {
  period: PeriodsResponse['periods'][number];
  streamPath: string;
}) {
  const [open, setOpen] = useState(false);
  const [detail, setDetail] = useState<PeriodDetailResponse>();
  const [error, setError] = useState<Error>();
  const toggle = async () => {
    setOpen(!open);
    if (!open && detail === undefined) {
      try {
        setDetail(
          await api<PeriodDetailResponse>(
            'GET',
            `${streamPath}/periods/${encodeURIComponent(p.periodId)}`,
          ),
        );
      } catch (failure) {
        setError(failure as Error);
      }
    }
  };
  const money = (m: number) => formatMoney(m, p.currency);
  return (
    <>
      <tr>
        <td>
          {formatTime(p.startsAt)} – {formatTime(p.endsAt)}
        </td>
        <td class="num">{money(p.revenueMicros)}</td>
        <td class="num">{money(p.platformFeeMicros)}</td>
        <td class="num">
          {money(p.poolMicros)} <span class="muted small">({p.supporters})</span>
        </td>
        <td class="num strong">{money(p.streamerMicros)}</td>
        <td class="num">{money(p.cdnSavedMicros)}</td>
        <td>
          <button
            type="button"
            class="button ghost small"
            aria-expanded={open}
            onClick={() => void toggle()}
          >
            {open ? 'Hide' : 'Earnings'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="detail">
          <td colSpan={7}>
            <FormError error={error} />
            {detail === undefined ? (
              error === undefined && <p class="muted">Loading…</p>
            ) : detail.supporterLines.length === 0 ? (
              <p class="muted">No payable supporter in this period.</p>
            ) : (
              <table class="table compact">
                <caption class="visually-hidden">Supporter earnings of the period</caption>
                <thead>
                  <tr>
                    <th scope="col">Supporter</th>
                    <th scope="col" class="num">
                      Served
                    </th>
                    <th scope="col" class="num">
                      Reputation
                    </th>
                    <th scope="col" class="num">
                      Earned
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {detail.supporterLines.map((line) => (
                    <tr key={line.viewerKey}>
                      <td>{line.name}</td>
                      <td class="num">{formatBytes(line.bytes)}</td>
                      <td class="num">{line.reputation.toFixed(2)}</td>
                      <td class="num">{money(line.amountMicros)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function RevenueEntry(props: {
  streamPath: string;
  currency: string | undefined;
  onRecorded(): void;
}) {
  const [error, setError] = useState<string | Error>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const amountMicros = parseMoney(String(form.get('amount') ?? ''));
    setDone(undefined);
    if (amountMicros === undefined) {
      setError('Enter a positive amount, e.g. 25 or 25.50');
      return;
    }
    if (props.currency === undefined) return;
    const note = String(form.get('note') ?? '').trim();
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `${props.streamPath}/revenue`, {
        kind: String(form.get('kind')),
        amountMicros,
        currency: props.currency,
        // A double click records it once.
        idempotencyKey: crypto.randomUUID(),
        ...(note === '' ? {} : { note }),
      });
      setDone(`Recorded ${formatMoney(amountMicros, props.currency)}`);
      formEl.reset();
      props.onRecorded();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="revenue-title">
      <h2 id="revenue-title">Record revenue</h2>
      <form onSubmit={submit} class="form-grid">
        <div class="field">
          <label for="kind">Kind</label>
          <select id="kind" name="kind">
            <option value="tip">Tip</option>
            <option value="subscription">Subscription</option>
            <option value="ads">Ads</option>
            <option value="other">Other</option>
          </select>
        </div>
        <div class="field">
          <label for="amount">
            Amount{props.currency ? ` (${props.currency.toUpperCase()})` : ''}
          </label>
          <input id="amount" name="amount" inputMode="decimal" required placeholder="25.00" />
        </div>
        <div class="field span-2">
          <label for="note">
            Note <span class="optional">(optional)</span>
          </label>
          <input id="note" name="note" maxLength={500} />
        </div>
        <FormError error={error} />
        <div class="actions span-2">
          <button type="submit" class="button primary" disabled={busy || !props.currency}>
            Record revenue
          </button>
          <span class="status" role="status">
            {done ?? ''}
          </span>
        </div>
      </form>
    </section>
  );
}

/** `datetime-local` value of a time a few minutes ago, rounded to the minute. */
function recentLocal(): string {
  const d = new Date(Date.now() - 5 * 60_000);
  d.setSeconds(0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function ClosePeriod(props: { streamPath: string; onClosed(): void }) {
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const endsAt = new Date(String(form.get('endsAt')));
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await api('POST', `${props.streamPath}/periods`, { endsAt: endsAt.toISOString() });
      setDone('Period closed');
      props.onClosed();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="close-title">
      <h2 id="close-title">Close a period</h2>
      <p class="muted">
        Settles the revenue and verified P2P delivery since the previous period up to this time (at
        least a minute ago). Closing the same end again changes nothing.
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="endsAt">Period ends at (your local time)</label>
          <input id="endsAt" name="endsAt" type="datetime-local" required value={recentLocal()} />
        </div>
        <FormError error={error} />
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>
            Close period
          </button>
          <span class="status" role="status">
            {done ?? ''}
          </span>
        </div>
      </form>
    </section>
  );
}

function RevenueList({
  revenue,
  error,
}: {
  revenue: RevenueEventsResponse | undefined;
  error: Error | undefined;
}) {
  return (
    <section class="card" aria-labelledby="revenue-list-title">
      <h2 id="revenue-list-title">Revenue</h2>
      <FormError error={error} />
      {revenue === undefined ? (
        <p class="muted">Loading…</p>
      ) : revenue.events.length === 0 ? (
        <p class="empty">No revenue recorded yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="table compact" data-testid="revenue">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col" class="num">
                  Amount
                </th>
                <th scope="col">Settled</th>
              </tr>
            </thead>
            <tbody>
              {revenue.events.map((e) => (
                <tr key={e.eventId}>
                  <td>{formatTime(e.occurredAt)}</td>
                  <td>{e.kind}</td>
                  <td class="num">{formatMoney(e.amountMicros, e.currency)}</td>
                  <td>{e.periodId === null ? 'open' : 'in a period'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Payouts({
  payouts,
  error,
}: {
  payouts: PayoutsResponse | undefined;
  error: Error | undefined;
}) {
  return (
    <section class="card" aria-labelledby="payouts-title">
      <h2 id="payouts-title">Payouts</h2>
      <FormError error={error} />
      {payouts === undefined ? (
        <p class="muted">Loading…</p>
      ) : payouts.payouts.length === 0 ? (
        <p class="empty">
          No payout yet. Owed balances are paid out by the operator's payout runs.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table compact" data-testid="payouts">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col" class="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Provider</th>
              </tr>
            </thead>
            <tbody>
              {payouts.payouts.map((p) => (
                <tr key={p.payoutId}>
                  <td>{formatTime(p.createdAt)}</td>
                  <td class="num">{formatMoney(p.amountMicros, p.currency)}</td>
                  <td>
                    <span class={`badge ${p.status}`}>{p.status}</span>
                  </td>
                  <td>{p.provider}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
