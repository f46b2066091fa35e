/**
 * The live figures, pushed by the coordinator as server-sent events every few seconds (no
 * reload): viewers, supporters, P2P share, bytes and money saved, and the alerts that hold.
 */
import type { LiveSnapshot } from '@streamrp2p/protocol/api-schemas';
import { useEffect, useState } from 'preact/hooks';
import { formatBytes, formatCount, formatMoney, formatPercent } from '../api/format.js';

type Connection = 'connecting' | 'live' | 'retrying';

export function LiveView({ streamId }: { streamId: string }) {
  const [snapshot, setSnapshot] = useState<LiveSnapshot>();
  const [connection, setConnection] = useState<Connection>('connecting');
  useEffect(() => {
    const source = new EventSource(`/api/streams/${encodeURIComponent(streamId)}/live`);
    source.addEventListener('live', (event) => {
      setSnapshot(JSON.parse((event as MessageEvent<string>).data) as LiveSnapshot);
      setConnection('live');
    });
    source.addEventListener('unavailable', () => setConnection('retrying'));
    // EventSource reconnects by itself after the server's `retry`.
    source.onerror = () => setConnection('retrying');
    return () => source.close();
  }, [streamId]);

  const s = snapshot;
  return (
    <section class="live-section" aria-labelledby="live-title">
      <div class="section-head">
        <h2 id="live-title">Right now</h2>
        <span class={`pill ${connection}`} data-testid="live-connection">
          <span class="pill-dot" aria-hidden="true" />
          {connection === 'live'
            ? 'Live'
            : connection === 'connecting'
              ? 'Connecting…'
              : 'Reconnecting…'}
        </span>
      </div>
      <div class="kpis" data-testid="live-kpis" data-at={s?.at}>
        <Kpi
          label="Viewers"
          value={s ? formatCount(s.viewers) : '—'}
          id="viewers"
          note="watching now"
        />
        <Kpi
          label="Supporters"
          value={s ? formatCount(s.supporters) : '—'}
          id="supporters"
          note="sharing verified bytes"
        />
        <Kpi
          label="P2P share"
          value={s ? formatPercent(s.p2pShare) : '—'}
          id="p2p-share"
          raw={s?.p2pShare ?? undefined}
          note={
            s ? `of ${formatBytes(s.p2pBytes + s.cdnBytes)} in ${s.windowSeconds} s` : undefined
          }
          meter={s?.p2pShare ?? undefined}
        />
        <Kpi
          label="Saved, last 24 h"
          value={s ? formatBytes(s.savedBytes24h) : '—'}
          id="saved"
          note={s ? `≈ ${formatMoney(s.estimatedSavingsMicros24h, s.currency)} of CDN` : undefined}
        />
      </div>
      <Alerts snapshot={s} />
    </section>
  );
}

function Kpi(props: {
  label: string;
  value: string;
  id: string;
  note?: string | undefined;
  raw?: number | undefined;
  meter?: number | undefined;
}) {
  return (
    <div class="kpi" data-testid={`kpi-${props.id}`} data-value={props.raw}>
      <span class="kpi-label">{props.label}</span>
      <span class="kpi-value">{props.value}</span>
      {props.meter !== undefined && (
        <span class="meter" aria-hidden="true">
          <span style={{ width: `${Math.round(props.meter * 100)}%` }} />
        </span>
      )}
      {props.note && <span class="kpi-note">{props.note}</span>}
    </div>
  );
}

function Alerts({ snapshot }: { snapshot: LiveSnapshot | undefined }) {
  if (snapshot === undefined) return null;
  if (snapshot.alerts.length === 0) {
    return (
      <p class="all-clear" data-testid="alerts">
        <span aria-hidden="true">●</span> No alert: P2P share and stalls are within their
        thresholds.
      </p>
    );
  }
  return (
    <ul class="alerts" data-testid="alerts" aria-label="Alerts">
      {snapshot.alerts.map((alert) => (
        <li key={alert.code} class={`alert ${alert.severity}`} role="alert">
          <strong>{alert.severity === 'critical' ? 'Critical' : 'Warning'}</strong> {alert.message}
        </li>
      ))}
    </ul>
  );
}
