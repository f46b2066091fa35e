import type { RewardFigures } from '../../coordinator/rewards.js';
import type { UploadPolicyState } from '../../p2p/engine-types.js';
import { formatBytes, formatKbps, formatMicros } from './format.js';
import { createRewardsState, type PointsStatus, type RewardsView } from './rewards-state.js';
import { addRewardsStyle } from './rewards-style.js';
import { createAccountPanel, type AccountHost } from './account-panel.js';
import { shareSection } from './share.js';
import { button, el, type Child } from './dom.js';
import { capToKbps, DEFAULT_UPLOAD_KBPS, type SupporterSettings } from './supporter-settings.js';

/** What the rewards need from the player: a narrow seam, so they load on their own. */
export interface RewardsHost extends AccountHost {
  /** The player's container (positioned); the rewards sit in its top-left corner. */
  container: HTMLElement;
  onPoints(
    listener: (event: { awarded: number; balance: number; status: PointsStatus }) => void,
  ): () => void;
  setUploadPolicy(policy: {
    consumeOnly: boolean | 'auto';
    maxUploadKbps?: number;
  }): UploadPolicyState;
  /** Whether the engine uploads now. */
  uploading(): boolean;
  /** Whether the connection looks metered (data saver, cellular). */
  metered(): boolean;
  uploadedBytes(): number;
  rewardFigures(): Promise<RewardFigures>;
  supporterCount(): Promise<number>;
  supporterPrompt: boolean;
}

/** The social-proof line, from the real count. */
export function socialProof(count: number): string {
  if (count <= 0) return 'Be the first supporter helping this channel.';
  return `Join ${count} other supporter${count === 1 ? '' : 's'} helping this channel.`;
}

/**
 * The rewards in the player: a points badge with a "+N" notification, a panel with the balance,
 * a supporter's bytes served, credit and estimated earnings, the soft account prompt and the
 * "become a supporter" call to action with its upload cap. Plain DOM; never touches playback.
 */
export function mountRewards(host: RewardsHost): { destroy(): void } {
  const root = el('div', { class: 'srp-rewards' });
  const badge = el('button', { type: 'button', class: 'srp-badge' });
  const toast = el('span', { class: 'srp-toast', 'aria-live': 'polite' } as never);
  const panel = el('div', {
    class: 'srp-panel',
    id: `srp-panel-${Math.random().toString(36).slice(2)}`,
  });
  let open = false;
  let editing = false;
  let figures: RewardFigures | undefined;
  let supporters: number | undefined;
  let notice: string | undefined;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  let servedLine: HTMLElement | undefined;
  let balanceLine: HTMLElement | undefined;
  /** What the panel was last built from. */
  let built: string | undefined;
  // While the panel is open, the bytes served tick (without rebuilding it: focus and typing stay).
  const ticker = setInterval(() => {
    if (open && servedLine) servedLine.textContent = servedText();
  }, 2000);
  const servedText = () => `Served this session: ${formatBytes(host.uploadedBytes())}`;

  addRewardsStyle(host.container.ownerDocument);
  const state = createRewardsState({
    storage: host.storage,
    supporterPrompt: host.supporterPrompt,
    isUploading: () => host.uploading(),
  });
  // A viewer who chose to support keeps supporting on its next visits.
  const account = createAccountPanel(host, state, { changed: () => render(), flash });
  const chosen = state.view().supporter;
  if (chosen) apply(chosen);
  toast.setAttribute('role', 'status');
  badge.setAttribute('aria-controls', panel.id);
  badge.setAttribute('aria-expanded', 'false');
  badge.addEventListener('click', () => toggle());
  root.hidden = true; // until the first balance
  panel.hidden = true;
  root.append(el('span', { class: 'srp-head' }, badge, toast), panel);
  host.container.appendChild(root);
  // The panel's room follows the player's size (a phone turned, a resized window).
  const resized =
    typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(() => layout());
  resized?.observe(host.container);
  const offPoints = host.onPoints(({ awarded, balance, status }) => {
    state.points({ balance, status });
    if (awarded > 0) flash(`+${awarded}`);
    if (state.view().supporterCta === 'vip' || state.view().accountPrompt) show();
    render();
  });

  function destroy(): void {
    offPoints();
    resized?.disconnect();
    clearTimeout(toastTimer);
    clearInterval(ticker);
    root.remove();
  }

  function toggle(): void {
    if (open) {
      open = false;
      render();
      return;
    }
    state.balanceViewed();
    show();
  }

  function show(): void {
    open = true;
    refresh();
    render();
  }

  /** Reads the figures the panel shows; a failure only leaves them out. */
  function refresh(): void {
    account.load();
    host.rewardFigures().then(
      (read) => ((figures = read), render()),
      (error: unknown) => console.warn('streamrp2p: could not read the rewards figures', error),
    );
    if (state.view().supporterCta && supporters === undefined) {
      host.supporterCount().then(
        (count) => ((supporters = count), render()),
        (error: unknown) => console.warn('streamrp2p: could not read the supporter count', error),
      );
    }
  }

  function flash(text: string): void {
    toast.textContent = text;
    toast.classList.add('srp-show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => toast.classList.remove('srp-show'), 2500);
  }

  function apply(settings: SupporterSettings): UploadPolicyState {
    return host.setUploadPolicy({
      consumeOnly: settings.allowMetered ? false : 'auto',
      maxUploadKbps: settings.maxUploadKbps,
    });
  }

  function render(): void {
    const view = state.view();
    if (view.balance === undefined) return;
    root.hidden = false;
    badge.textContent = `★ ${view.balance} pts`;
    badge.title = 'Your rewards';
    badge.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
    layout();
    if (!open) return (built = undefined);
    // Rebuilt only when what it holds changes: a heartbeat must not reset a cap being typed,
    // nor move the keyboard focus.
    const shape = JSON.stringify([
      view.accountPrompt,
      view.supporterCta,
      view.supporter,
      editing,
      notice,
      figures,
      supporters,
      account.snapshot(),
    ]);
    if (shape !== built) {
      built = shape;
      panel.replaceChildren(...sections(view).filter((c): c is Node | string => !!c));
    } else if (balanceLine) balanceLine.textContent = `${view.balance} points`;
  }

  function layout(): void {
    // Over the video, never over its controls (about 48 px at the bottom); on a small player,
    // just below it, over the page, so the picture stays clear (no layout shift either way).
    const height = host.container.clientHeight;
    const below = height > 0 && height < 320;
    panel.classList.toggle('srp-below', below);
    panel.style.top = below ? `${height - 8}px` : '';
    panel.style.maxHeight = below ? '' : `${Math.max(80, height - 100)}px`;
  }

  function sections(view: RewardsView): Child[] {
    const supporting = host.uploading();
    return [
      (balanceLine = el('h2', { text: `${view.balance} points` })),
      el('p', { class: 'srp-muted', text: '1 point a minute of watching; supporters earn 5×.' }),
      (supporting || (figures?.creditedBytes ?? 0) > 0) &&
        el(
          'div',
          { class: 'srp-section' },
          (servedLine = el('p', { text: servedText() })),
          figures &&
            el('p', {
              text: `Credit: ${formatBytes(figures.creditedBytes)} (${formatBytes(figures.payableBytes)} payable)`,
            }),
          figures?.earnings &&
            el('p', {
              text: `Estimated earnings: ${formatMicros(figures.earnings.earnedThisMonthMicros, figures.earnings.currency)} this month, ${formatMicros(figures.earnings.owedMicros, figures.earnings.currency)} owed`,
            }),
          view.supporter &&
            el(
              'div',
              { class: 'srp-row' },
              el('span', {
                class: 'srp-muted',
                text: `Sharing up to ${formatKbps(view.supporter.maxUploadKbps)}`,
              }),
              button('Change cap', false, () => ((editing = true), render())),
              button('Stop supporting', false, () => stop()),
            ),
        ),
      notice && el('p', { class: 'srp-section', text: notice }),
      ...account.sections(view.accountPrompt, view.balance ?? 0),
      shareSection(host, flash),
      (view.supporterCta || editing) && supportSection(view),
    ];
  }

  function supportSection(view: RewardsView): HTMLElement {
    if (!editing) {
      return el(
        'div',
        { class: 'srp-section' },
        el('p', {
          text: 'Become a supporter: share what you watch with nearby viewers and earn from it.',
        }),
        supporters !== undefined && el('p', { class: 'srp-muted', text: socialProof(supporters) }),
        el(
          'div',
          { class: 'srp-row' },
          button('Become a supporter', true, () => ((editing = true), render())),
          button('Not now', false, () => (state.dismissSupporterCta(), render())),
        ),
      );
    }
    const current = view.supporter?.maxUploadKbps ?? DEFAULT_UPLOAD_KBPS;
    const input = el('input', { type: 'number', id: 'srp-cap', 'aria-label': 'Upload cap' });
    input.min = '0.1';
    input.step = 'any';
    input.value = String(current >= 1000 ? current / 1000 : current);
    const unit = el('select', { 'aria-label': 'Unit' } as never);
    unit.append(
      new Option('Mbit/s', 'mbps', false, current >= 1000),
      new Option('kbit/s', 'kbps', false, current < 1000),
    );
    const metered = host.metered();
    const insist = el('input', { type: 'checkbox', id: 'srp-metered' });
    insist.checked = view.supporter?.allowMetered ?? false;
    const form = el(
      'form',
      { class: 'srp-section', 'aria-label': 'Supporter settings' },
      el('label', { class: 'srp-row', text: 'Upload at most' } as never, input, unit),
      metered &&
        el(
          'p',
          { class: 'srp-muted' },
          'Your connection looks metered (mobile data or data saver): sharing stays off there unless you choose. ',
          el('label', {}, insist, ' Upload anyway on this connection'),
        ),
      el(
        'div',
        { class: 'srp-row' },
        el('button', { type: 'submit', class: 'srp-primary', text: 'Start supporting' }),
        button('Cancel', false, () => ((editing = false), render())),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const kbps = capToKbps(input.value, unit.value as 'kbps' | 'mbps');
      if (kbps === undefined) {
        input.setCustomValidity('Enter a positive number');
        input.reportValidity();
        return;
      }
      support({ maxUploadKbps: kbps, allowMetered: metered && insist.checked });
    });
    input.addEventListener('input', () => input.setCustomValidity(''));
    queueMicrotask(() => input.focus());
    return form;
  }

  function support(settings: SupporterSettings): void {
    state.becomeSupporter(settings);
    editing = false;
    const applied = apply(settings);
    notice = applied.consumeOnly
      ? 'Saved. Sharing starts on a connection that is not metered.'
      : `Thank you! You now share up to ${formatKbps(settings.maxUploadKbps)}.`;
    render();
  }

  function stop(): void {
    state.stopSupporting();
    host.setUploadPolicy({ consumeOnly: true });
    notice = 'Sharing is off.';
    render();
  }

  return { destroy };
}
