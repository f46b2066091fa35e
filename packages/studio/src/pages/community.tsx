/**
 * Community (decision 41): the streamer's savings goals (create, edit, end, progress as the
 * community job counts it), its support squad's figures and who joined it lately.
 */
import type {
  CommunityGoalResponse,
  CommunityGoalsResponse,
  SquadNotificationsResponse,
  SquadStatsResponse,
  StreamsResponse,
} from '@streamrp2p/protocol/api-schemas';
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import {
  formatAgo,
  formatBytes,
  formatCount,
  formatMoney,
  formatPercent,
  formatTime,
  parseMoney,
} from '../api/format.js';
import { FormError } from '../components/form-error.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

const STATUS: Record<CommunityGoalResponse['status'], [string, string]> = {
  active: ['Active', 'pending'],
  reached: ['Reached', 'paid'],
  expired: ['Expired', 'failed'],
  ended: ['Ended', ''],
};

/** A `datetime-local` value (local time) as ISO, or undefined when empty. */
function localToIso(value: string): string | undefined {
  if (value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An ISO time as a `datetime-local` value in local time. */
function isoToLocal(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function CommunityPage() {
  const { me } = useSession();
  const base = `/api/streamers/${encodeURIComponent(me.streamer.streamerId)}`;
  const goals = useAsync(() => api<CommunityGoalsResponse>('GET', `${base}/goals`), [base]);
  const streams = useAsync(() => api<StreamsResponse>('GET', `${base}/streams`), [base]);
  const names = new Map((streams.data?.streams ?? []).map((s) => [s.streamId, s.title]));
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Community</h1>
          <p class="muted">
            Savings goals your viewers reach together (shown in your players), and your support
            squad.
          </p>
        </div>
      </div>
      <div class="grid-2">
        <CreateGoal base={base} streams={streams.data?.streams ?? []} onCreated={goals.reload} />
        <Squad base={base} />
      </div>
      <section class="card" aria-labelledby="goals-title">
        <h2 id="goals-title">Goals</h2>
        <FormError error={goals.error} />
        {goals.data === undefined ? (
          <p class="muted">Loading…</p>
        ) : goals.data.goals.length === 0 ? (
          <p class="empty">No goal yet. Set one: your players show its progress bar.</p>
        ) : (
          <ul class="goal-list" data-testid="goals">
            {goals.data.goals.map((goal) => (
              <Goal
                key={goal.goalId}
                goal={goal}
                base={base}
                scope={
                  goal.streamId === null
                    ? 'All streams'
                    : (names.get(goal.streamId) ?? goal.streamId)
                }
                onChanged={goals.reload}
              />
            ))}
          </ul>
        )}
      </section>
      <Notifications base={base} />
    </>
  );
}

function CreateGoal({
  base,
  streams,
  onCreated,
}: {
  base: string;
  streams: StreamsResponse['streams'];
  onCreated(): void;
}) {
  const [error, setError] = useState<Error | string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    const targetMicros = parseMoney(String(form.get('goalTarget') ?? ''));
    if (targetMicros === undefined) {
      setError('The target must be a positive amount, e.g. 25 or 12.50');
      return;
    }
    const streamId = String(form.get('goalStream') ?? '');
    const deadline = localToIso(String(form.get('goalDeadline') ?? ''));
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `${base}/goals`, {
        title: String(form.get('goalTitle') ?? '').trim(),
        targetMicros,
        ...(streamId === '' ? {} : { streamId }),
        ...(deadline === undefined ? {} : { deadline }),
      });
      formEl.reset();
      onCreated();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="create-goal-title">
      <h2 id="create-goal-title">Set a savings goal</h2>
      <form onSubmit={submit}>
        <div class="field">
          <label for="goalTitle">Title viewers see</label>
          <input
            id="goalTitle"
            name="goalTitle"
            required
            maxLength={120}
            placeholder="Save $25 this week"
          />
        </div>
        <div class="field">
          <label for="goalTarget">CDN cost to save together</label>
          <input
            id="goalTarget"
            name="goalTarget"
            required
            inputMode="decimal"
            placeholder="25.00"
          />
        </div>
        <div class="field">
          <label for="goalStream">Counts</label>
          <select id="goalStream" name="goalStream">
            <option value="">All my streams</option>
            {streams.map((s) => (
              <option key={s.streamId} value={s.streamId}>
                {s.title}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="goalDeadline">Deadline (optional)</label>
          <input id="goalDeadline" name="goalDeadline" type="datetime-local" />
        </div>
        <FormError error={error} />
        <button type="submit" class="button primary" disabled={busy}>
          Set goal
        </button>
      </form>
    </section>
  );
}

function Goal({
  goal,
  base,
  scope,
  onChanged,
}: {
  goal: CommunityGoalResponse;
  base: string;
  scope: string;
  onChanged(): void;
}) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<Error | string>();
  const [busy, setBusy] = useState(false);
  const path = `${base}/goals/${encodeURIComponent(goal.goalId)}`;
  const ratio = Math.min(1, goal.progressMicros / goal.targetMicros);
  const [label, tone] = STATUS[goal.status];
  const run = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
      setEditing(false);
      onChanged();
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };
  const save = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const targetMicros = parseMoney(String(form.get('target') ?? ''));
    if (targetMicros === undefined) {
      setError('The target must be a positive amount');
      return;
    }
    const deadline = localToIso(String(form.get('deadline') ?? '')) ?? null;
    void run(() =>
      api('PATCH', path, { title: String(form.get('title') ?? '').trim(), targetMicros, deadline }),
    );
  };
  const open = goal.status === 'active';
  return (
    <li class="goal" data-testid="goal">
      <div class="section-head">
        <div>
          <span class="strong">{goal.title}</span> <span class={`badge ${tone}`}>{label}</span>
          <div class="muted small">
            {scope}
            {goal.deadline !== null && ` · until ${formatTime(goal.deadline)}`}
            {goal.computedAt !== null && ` · counted ${formatAgo(goal.computedAt)}`}
          </div>
        </div>
        {open && !editing && (
          <div class="actions">
            <button type="button" class="button ghost small" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button
              type="button"
              class="button danger small"
              disabled={busy}
              onClick={() => void run(() => api('POST', `${path}/end`))}
            >
              End
            </button>
          </div>
        )}
      </div>
      <span class="meter" role="img" aria-label={`${formatPercent(ratio)} of the goal`}>
        <span style={{ width: `${ratio * 100}%` }} />
      </span>
      <div class="small">
        {formatMoney(goal.progressMicros, goal.currency)} of{' '}
        {formatMoney(goal.targetMicros, goal.currency)} saved ({formatPercent(ratio)},{' '}
        {formatBytes(goal.progressBytes)} shared peer to peer)
      </div>
      {editing && (
        <form class="goal-edit" onSubmit={save}>
          <div class="field">
            <label for={`title-${goal.goalId}`}>Title</label>
            <input
              id={`title-${goal.goalId}`}
              name="title"
              required
              maxLength={120}
              value={goal.title}
            />
          </div>
          <div class="field">
            <label for={`target-${goal.goalId}`}>Target</label>
            <input
              id={`target-${goal.goalId}`}
              name="target"
              required
              inputMode="decimal"
              value={(goal.targetMicros / 1_000_000).toFixed(2)}
            />
          </div>
          <div class="field">
            <label for={`deadline-${goal.goalId}`}>Deadline (empty for none)</label>
            <input
              id={`deadline-${goal.goalId}`}
              name="deadline"
              type="datetime-local"
              value={isoToLocal(goal.deadline)}
            />
          </div>
          <div class="actions">
            <button type="submit" class="button primary small" disabled={busy}>
              Save
            </button>
            <button type="button" class="button ghost small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <FormError error={error} />
    </li>
  );
}

function Squad({ base }: { base: string }) {
  const stats = useAsync(() => api<SquadStatsResponse>('GET', `${base}/squad`), [base]);
  const s = stats.data;
  return (
    <section class="card" aria-labelledby="squad-title">
      <h2 id="squad-title">Support squad</h2>
      <FormError error={stats.error} />
      {s === undefined ? (
        <p class="muted">Loading…</p>
      ) : (
        <dl class="squad-figures" data-testid="squad">
          <dt>Members</dt>
          <dd>{formatCount(s.members)}</dd>
          <dt>Data served</dt>
          <dd>{formatBytes(s.dataServedBytes)}</dd>
          <dt>Savings generated</dt>
          <dd>{formatMoney(s.savingsMicros, s.currency)}</dd>
          <dt>Average uptime</dt>
          <dd>{formatPercent(s.averageUptime)}</dd>
          <dt>Collective points</dt>
          <dd>{formatCount(s.points)}</dd>
        </dl>
      )}
      <p class="muted small">
        Viewers join from your player's "Join squad" button. Data served counts payable credit in
        your streams.
      </p>
    </section>
  );
}

function Notifications({ base }: { base: string }) {
  const list = useAsync(
    () => api<SquadNotificationsResponse>('GET', `${base}/squad/notifications`),
    [base],
  );
  return (
    <section class="card" aria-labelledby="joins-title">
      <h2 id="joins-title">Who joined the squad</h2>
      <FormError error={list.error} />
      {list.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : list.data.notifications.length === 0 ? (
        <p class="empty">Nobody joined yet.</p>
      ) : (
        <ul class="joins" data-testid="squad-notifications">
          {list.data.notifications.map((n) => (
            <li key={n.id}>
              {n.text} <span class="muted small">{formatAgo(n.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
