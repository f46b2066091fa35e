/**
 * The community feed on the player (its own chunk in the ESM build, decision 41): the goals that
 * count this stream as progress bars, social-proof toasts ("Ada is now helping power this
 * stream", each GB, goals reached, squad joins) and a "Join squad" button. It polls the public
 * feed route every `pollMs` while the tab is visible, never while hidden, and once at once when
 * the tab shows again. A failed poll keeps what is shown and waits twice as long (at most 5 min).
 */
import type { CommunityEventResponse } from '@streamrp2p/protocol/api-schemas';
import { el } from '../rewards/dom.js';
import { eventDiff, goalView, isFeed, type GoalView } from './community-state.js';
import { addCommunityStyle } from './community-style.js';

/** What the feed needs from the player: the feed read and, for a viewer, its squad calls. */
export interface CommunityUiOptions {
  container: HTMLElement;
  /** `GET /api/streams/:streamId/community`. */
  fetchFeed(): Promise<unknown>;
  /** The viewer's membership of a squad; undefined hides the button. */
  squad:
    | {
        isMember(streamerId: string): Promise<boolean>;
        join(streamerId: string): Promise<void>;
        leave(streamerId: string): Promise<void>;
      }
    | undefined;
  /** @default 20000 */
  pollMs?: number;
  /** How long a toast shows. @default 5000 */
  toastMs?: number;
}

const MAX_BACKOFF_MS = 300_000;

export function mountCommunity(options: CommunityUiOptions): { destroy(): void } {
  const doc = options.container.ownerDocument;
  const pollMs = options.pollMs ?? 20_000;
  const toastMs = options.toastMs ?? 5000;
  addCommunityStyle(doc);
  const root = el('div', { class: 'srp-cm' });
  const toasts = el('div', { role: 'status' });
  toasts.setAttribute('aria-live', 'polite');
  const goals = el('div');
  root.append(toasts, goals);
  options.container.append(root);

  const diff = eventDiff();
  const queue: CommunityEventResponse[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  let failures = 0;
  let destroyed = false;
  let squadButton: HTMLButtonElement | undefined;

  const renderGoals = (views: GoalView[]) => {
    goals.replaceChildren(
      ...views.map((g) => {
        const fill = el('div', { class: 'srp-cm-fill' });
        fill.style.width = `${g.percent}%`;
        const bar = el('div', { class: 'srp-cm-bar', role: 'progressbar', 'aria-label': g.title });
        bar.setAttribute('aria-valuenow', String(g.percent));
        bar.setAttribute('aria-valuemin', '0');
        bar.setAttribute('aria-valuemax', '100');
        bar.append(fill);
        return el(
          'div',
          { class: g.reached ? 'srp-cm-goal srp-cm-reached' : 'srp-cm-goal' },
          el(
            'div',
            { class: 'srp-cm-title' },
            el('span', { text: g.title }),
            el('span', { text: g.reached ? 'Reached!' : `${g.percent}%` }),
          ),
          bar,
          el('div', { class: 'srp-cm-label', text: g.label }),
        );
      }),
    );
  };

  const nextToast = () => {
    toastTimer = undefined;
    toasts.replaceChildren();
    const event = queue.shift();
    if (event === undefined || destroyed) return;
    const toast = el('div', { class: 'srp-cm-toast', text: event.text });
    toasts.append(toast);
    requestAnimationFrame(() => toast.classList.add('srp-cm-show'));
    toastTimer = setTimeout(nextToast, toastMs);
  };

  const showSquad = (streamerId: string, members: number) => {
    const squad = options.squad;
    if (squad === undefined) return;
    if (squadButton === undefined) {
      const button = el('button', { type: 'button', class: 'srp-cm-squad' });
      button.setAttribute('aria-pressed', 'false');
      button.textContent = 'Join squad';
      button.addEventListener('click', () => {
        const member = button.getAttribute('aria-pressed') === 'true';
        button.disabled = true;
        (member ? squad.leave(streamerId) : squad.join(streamerId))
          .then(() => setMember(!member))
          .catch((error: unknown) => console.warn('streamrp2p: the squad call failed', error))
          .finally(() => (button.disabled = false));
      });
      squadButton = button;
      root.append(button);
      squad.isMember(streamerId).then(setMember, () => undefined);
    }
    squadButton.dataset.members = String(members);
    setMember(squadButton.getAttribute('aria-pressed') === 'true');
  };

  const setMember = (member: boolean) => {
    if (squadButton === undefined) return;
    const members = Number(squadButton.dataset.members ?? 0);
    squadButton.setAttribute('aria-pressed', String(member));
    squadButton.textContent = member
      ? `In the squad ✓ (${members})`
      : `Join squad${members > 0 ? ` (${members})` : ''}`;
  };

  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    timer = destroyed ? undefined : setTimeout(poll, delayMs);
  };

  const poll = () => {
    timer = undefined;
    if (destroyed || inFlight || doc.visibilityState === 'hidden') return;
    inFlight = true;
    options
      .fetchFeed()
      .then((feed) => {
        if (destroyed || !isFeed(feed)) throw new Error('not a community feed');
        failures = 0;
        renderGoals(feed.goals.map(goalView));
        queue.push(...diff(feed.events, Date.now()));
        if (toastTimer === undefined) nextToast();
        showSquad(feed.streamerId, feed.squad.members);
      })
      .catch(() => (failures += 1))
      .finally(() => {
        inFlight = false;
        schedule(Math.min(MAX_BACKOFF_MS, pollMs * 2 ** failures));
      });
  };

  const onVisibility = () => {
    if (doc.visibilityState === 'visible' && !inFlight) schedule(0);
    else if (doc.visibilityState === 'hidden') {
      clearTimeout(timer);
      timer = undefined;
    }
  };
  doc.addEventListener('visibilitychange', onVisibility);
  poll();

  return {
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      clearTimeout(toastTimer);
      doc.removeEventListener('visibilitychange', onVisibility);
      root.remove();
    },
  };
}
