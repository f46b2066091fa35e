/**
 * P2P vs CDN delivery over time (uPlot), with a range picker: the last hour or day by the
 * minute, the last month by the hour, from `GET /api/streams/:streamId/metrics`.
 */
import type { MetricsResponse } from '@streamrp2p/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, query } from '../api/client.js';
import { formatBytes, formatPercent } from '../api/format.js';
import { FormError } from './form-error.js';
import { RANGES, rangeBounds, STEP_MS, type RangeId } from './range.js';

/** Seconds, Mbit/s of P2P, Mbit/s of CDN: every bucket of the range, zero where none. */
function chartData(answer: MetricsResponse): uPlot.AlignedData {
  const step = STEP_MS[answer.step as 'minute' | 'hour'];
  const from = new Date(answer.from).getTime();
  const count = Math.round((new Date(answer.to).getTime() - from) / step);
  const xs = new Float64Array(count);
  const p2p = new Float64Array(count);
  const cdn = new Float64Array(count);
  const toMbps = (bytes: number) => (bytes * 8) / (step / 1000) / 1e6;
  for (let i = 0; i < count; i++) xs[i] = (from + i * step) / 1000;
  for (const point of answer.points) {
    const i = Math.round((new Date(point.at).getTime() - from) / step);
    if (i < 0 || i >= count) continue;
    p2p[i] = toMbps(point.p2p_bytes);
    cdn[i] = toMbps(point.cdn_bytes);
  }
  return [xs, p2p, cdn];
}

function chartOptions(width: number): uPlot.Options {
  return {
    width,
    height: 260,
    cursor: { y: false },
    legend: { show: true },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 0.1) * 1.1] } },
    axes: [
      { stroke: '#5b6478', grid: { stroke: '#eef0f5' }, ticks: { stroke: '#dfe3ec' } },
      {
        stroke: '#5b6478',
        grid: { stroke: '#eef0f5' },
        ticks: { stroke: '#dfe3ec' },
        size: 56,
        values: (_u, ticks) => ticks.map((v) => `${+v.toFixed(2)}`),
        label: 'Mbit/s',
      },
    ],
    series: [
      {},
      {
        label: 'P2P',
        stroke: '#0f9d76',
        fill: 'rgba(15,157,118,0.16)',
        width: 2,
        points: { show: false },
        value: (_u, v) => (v == null ? '—' : `${v.toFixed(2)} Mbit/s`),
      },
      {
        label: 'CDN',
        stroke: '#4f46e5',
        fill: 'rgba(79,70,229,0.08)',
        width: 2,
        points: { show: false },
        value: (_u, v) => (v == null ? '—' : `${v.toFixed(2)} Mbit/s`),
      },
    ],
    hooks: {
      // The first-paint benchmark waits for this mark.
      draw: [() => performance.mark('studio-chart-drawn')],
    },
  };
}

export function TrafficChart({ streamId }: { streamId: string }) {
  const [range, setRange] = useState<RangeId>('hour');
  const [answer, setAnswer] = useState<MetricsResponse>();
  const [error, setError] = useState<Error>();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();

  useEffect(() => {
    let live = true;
    const load = async () => {
      const { from, to } = rangeBounds(range);
      try {
        const data = await api<MetricsResponse>(
          'GET',
          `/api/streams/${encodeURIComponent(streamId)}/metrics${query({
            from: from.toISOString(),
            to: to.toISOString(),
            step: RANGES[range].step,
          })}`,
        );
        if (live) {
          setAnswer(data);
          setError(undefined);
        }
      } catch (failure) {
        if (live) setError(failure as Error);
      }
    };
    void load();
    // Minutes are filled in as the coordinator computes them: follow along.
    const timer = setInterval(() => void load(), range === 'month' ? 300_000 : 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [streamId, range]);

  useEffect(() => {
    const el = box.current;
    if (el === null || answer === undefined) return;
    const data = chartData(answer);
    if (plot.current === undefined) {
      plot.current = new uPlot(chartOptions(el.clientWidth), data, el);
    } else {
      plot.current.setData(data);
    }
  }, [answer]);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => {
      plot.current?.setSize({ width: el.clientWidth, height: 260 });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, []);

  let p2p = 0;
  let cdn = 0;
  for (const point of answer?.points ?? []) {
    p2p += point.p2p_bytes;
    cdn += point.cdn_bytes;
  }
  return (
    <section class="card chart-card" aria-labelledby="chart-title">
      <div class="section-head">
        <h2 id="chart-title">P2P vs CDN delivery</h2>
        <div class="segmented" role="group" aria-label="Range">
          {(Object.keys(RANGES) as RangeId[]).map((id) => (
            <button key={id} type="button" aria-pressed={range === id} onClick={() => setRange(id)}>
              {RANGES[id].label}
            </button>
          ))}
        </div>
      </div>
      <p class="chart-summary" data-testid="chart-summary">
        {answer === undefined
          ? 'Loading…'
          : `Peers delivered ${formatBytes(p2p)} and the CDN ${formatBytes(cdn)} over the last ${RANGES[range].label.toLowerCase()} (${formatPercent(p2p + cdn === 0 ? null : p2p / (p2p + cdn))} P2P).`}
      </p>
      <div
        ref={box}
        class="chart"
        data-testid="chart"
        role="img"
        aria-label="Chart of P2P and CDN bit rates over time"
      />
      <p class="hint">
        Mbit/s by {RANGES[range].step}. The latest minutes appear as the coordinator computes them
        (the live figures above are current).
      </p>
      <FormError error={error} />
    </section>
  );
}
