/**
 * The account and follow parts of the rewards panel (issue 13, decision 39): a "Follow" button
 * with the streamer's follower count, and the account flow: at 100 points the soft prompt opens
 * a form that claims an account for this viewer id (points, history and credit stay), and
 * "Sign in" switches this device to an account's viewer id (stored where the player keeps it;
 * a new session starts as that viewer). Every call goes through the player's coordinator link.
 */
import { button, el, type Child } from './dom.js';
import type { PointsStatus, RewardsState } from './rewards-state.js';
import { readKey, writeKey, type RewardsStorage } from './storage.js';

/**
 * The `localStorage` key of the display name of this browser's account, once it claimed one or
 * signed in: only then does the panel ask the coordinator for the account (an anonymous viewer's
 * panel makes no call that answers 404).
 */
export const ACCOUNT_NAME_KEY = 'streamrp2p:account-name';

/** A coordinator request of the rewards (`CoordinatorLink.viewerRequest`/`publicRequest`). */
export interface RewardsCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below `/api/viewers/<viewer id>` for a viewer request; from `/api/` for a public one. */
  path: string;
  body?: unknown;
}

/** What the account and follow parts need from the player. */
export interface AccountHost {
  streamId: string;
  /** Show the built-in account form; else "Create account" only emits `rewards-action`. */
  accountForm: boolean;
  /** The player's `rewards-action` event, for sites that run their own account UI. */
  requestAccount(): void;
  viewerRequest(call: RewardsCall): Promise<unknown>;
  publicRequest(call: RewardsCall): Promise<unknown>;
  /** Makes this device the account's viewer: stores its id and secret, starts a new session. */
  switchViewer(viewerId: string, viewerSecret: string): Promise<void>;
  storage: RewardsStorage | undefined;
}

type Mode = 'idle' | 'claim' | 'sign-in';
type Field = 'email' | 'password' | 'displayName';

interface FollowView {
  streamerId: string;
  followers: number;
  following: boolean;
}

const enc = encodeURIComponent;

/** What a refusal of the coordinator means to the viewer. */
function explain(error: unknown): string {
  const code = (error as { details?: { serverCode?: string } }).details?.serverCode;
  const message = error instanceof Error ? error.message : '';
  switch (code) {
    case 'EMAIL_IN_USE':
      return 'An account with this email exists: sign in instead.';
    case 'INVALID_CREDENTIALS':
      return 'Wrong email or password.';
    case 'RATE_LIMITED':
      return 'Too many attempts: try again in a few minutes.';
    case 'VIEWER_ACCOUNT_EXISTS':
      return 'You have an account already: sign in.';
    case 'VIEWER_NOT_VERIFIED':
      return 'This browser cannot prove it is this viewer: sign in instead.';
    case 'VALIDATION_ERROR': {
      const detail = message.split('VALIDATION_ERROR: ')[1]?.replace(/body\./g, '');
      return detail ? `Please check: ${detail}.` : 'Please check the fields.';
    }
    default:
      return 'Something went wrong: please try again.';
  }
}

export function createAccountPanel(
  host: AccountHost,
  state: RewardsState,
  hooks: { changed(): void; flash(text: string): void },
) {
  let name = readKey(host.storage, ACCOUNT_NAME_KEY);
  let loaded = false;
  let mode: Mode = 'idle';
  let error: string | undefined;
  let busy = false;
  let follow: FollowView | undefined;
  const fields: Record<Field, string> = { email: '', password: '', displayName: '' };

  /** Reads whether this viewer has an account and follows the streamer (once). */
  function load(): void {
    if (loaded) return;
    loaded = true;
    // The name may have changed elsewhere; 404 or 403: this browser is no longer the account's.
    if (name !== undefined) {
      host.viewerRequest({ method: 'GET', path: '/account' }).then(
        (body) => signedIn((body as { displayName: string }).displayName),
        (thrown: unknown) => {
          const status = (thrown as { details?: { status?: number } }).details?.status;
          if (status === 403 || status === 404) signedIn(undefined);
        },
      );
    }
    void loadFollow();
  }

  async function loadFollow(): Promise<void> {
    try {
      const count = (await host.publicRequest({
        method: 'GET',
        path: `/api/streams/${enc(host.streamId)}/followers`,
      })) as { streamerId: string; followers: number };
      const list = await host.viewerRequest({ method: 'GET', path: '/follows' }).then(
        (body) => (body as { follows: Array<{ streamerId: string }> }).follows,
        () => [],
      );
      const following = list.some((f) => f.streamerId === count.streamerId);
      follow = { streamerId: count.streamerId, followers: count.followers, following };
      hooks.changed();
    } catch (thrown) {
      console.warn('streamrp2p: could not read the follows', thrown);
    }
  }

  async function toggleFollow(): Promise<void> {
    const was = follow;
    if (!was || busy) return;
    busy = true;
    try {
      if (was.following) {
        await host.viewerRequest({ method: 'DELETE', path: `/follows/${enc(was.streamerId)}` });
        follow = { ...was, following: false, followers: Math.max(0, was.followers - 1) };
      } else {
        const answer = (await host.viewerRequest({
          method: 'POST',
          path: '/follows',
          body: { streamId: host.streamId },
        })) as { awarded: number; balance: number; status: PointsStatus; followers: number };
        follow = { ...was, following: true, followers: answer.followers };
        state.points(answer);
        if (answer.awarded > 0) hooks.flash(`+${answer.awarded}`);
      }
    } catch (thrown) {
      console.warn('streamrp2p: could not change the follow', thrown);
    } finally {
      busy = false;
      hooks.changed();
    }
  }

  function signedIn(displayName: string | undefined): void {
    name = displayName;
    writeKey(host.storage, ACCOUNT_NAME_KEY, displayName);
    hooks.changed();
  }

  function open(next: Mode): void {
    mode = next;
    error = undefined;
    hooks.changed();
  }

  /** Runs a submitted form's call: busy meanwhile, its refusal shown in the form. */
  async function run(action: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    error = undefined;
    hooks.changed();
    try {
      await action();
      mode = 'idle';
      fields.password = '';
      state.dismissAccountPrompt();
    } catch (thrown) {
      error = explain(thrown);
    } finally {
      busy = false;
      hooks.changed();
    }
  }

  const claim = () =>
    run(async () => {
      const { email, password, displayName } = fields;
      const account = (await host.viewerRequest({
        method: 'POST',
        path: '/account',
        body: { email, password, displayName },
      })) as { displayName: string };
      signedIn(account.displayName);
      hooks.flash('Saved');
    });

  const signIn = () =>
    run(async () => {
      const { email, password } = fields;
      const answer = (await host.publicRequest({
        method: 'POST',
        path: '/api/viewer-accounts/sign-in',
        body: { email, password },
      })) as { viewerId: string; viewerSecret: string; account: { displayName: string } };
      await host.switchViewer(answer.viewerId, answer.viewerSecret);
      signedIn(answer.account.displayName);
      state.points(
        (await host.publicRequest({
          method: 'GET',
          path: `/api/viewers/${enc(answer.viewerId)}/points`,
        })) as { balance: number; status: PointsStatus },
      );
      hooks.flash('Signed in');
      void loadFollow();
    });

  function input(field: Field, type: string, label: string, autocomplete: string): HTMLElement {
    const node = el('input', { type, name: field, autocomplete });
    node.value = fields[field];
    node.required = true;
    if (field === 'password' && mode === 'claim') node.minLength = 10;
    node.addEventListener('input', () => (fields[field] = node.value));
    return el('label', { class: 'srp-field' }, label, node);
  }

  function form(): HTMLElement {
    const claiming = mode === 'claim';
    const title = claiming ? 'Create account' : 'Sign in';
    const node = el(
      'form',
      { class: 'srp-section', 'aria-label': title },
      el('p', {
        text: claiming
          ? 'Keep your points, history and credit on any device.'
          : 'Bring your account’s points to this device.',
      }),
      input('email', 'email', 'Email', 'email'),
      input('password', 'password', 'Password', claiming ? 'new-password' : 'current-password'),
      claiming && input('displayName', 'text', 'Display name', 'nickname'),
      error && el('p', { class: 'srp-error', role: 'alert', text: error }),
      el(
        'div',
        { class: 'srp-row' },
        el('button', { type: 'submit', class: 'srp-primary', text: busy ? 'Please wait…' : title }),
        button('Cancel', false, () => open('idle')),
        claiming && button('I have an account', false, () => open('sign-in')),
      ),
    );
    node.addEventListener('submit', (event) => {
      event.preventDefault();
      void (claiming ? claim() : signIn());
    });
    queueMicrotask(() => node.querySelector<HTMLInputElement>('input:invalid')?.focus());
    return node;
  }

  function accountSection(prompt: boolean, balance: number): Child {
    if (name !== undefined) {
      return el('p', { class: 'srp-section srp-muted', text: `Signed in as ${name}.` });
    }
    if (mode !== 'idle') return form();
    if (prompt) {
      return el(
        'div',
        { class: 'srp-section' },
        el('p', { text: `You have ${balance} points. Create a free account to keep them.` }),
        el(
          'div',
          { class: 'srp-row' },
          button('Create account', true, () => {
            host.requestAccount();
            if (host.accountForm) open('claim');
          }),
          button('Not now', false, () => (state.dismissAccountPrompt(), hooks.changed())),
        ),
      );
    }
    return (
      host.accountForm &&
      el(
        'div',
        { class: 'srp-row srp-section' },
        el('span', { class: 'srp-muted', text: 'Have an account?' }),
        button('Sign in', false, () => open('sign-in')),
      )
    );
  }

  function followRow(): Child {
    const f = follow;
    if (!f) return undefined;
    const toggle = button(f.following ? 'Following ✓' : 'Follow', !f.following, () => {
      void toggleFollow();
    });
    if (f.following) toggle.title = 'Unfollow';
    return el(
      'div',
      { class: 'srp-row' },
      toggle,
      el('span', {
        class: 'srp-muted',
        text: `${f.followers} follower${f.followers === 1 ? '' : 's'}`,
      }),
    );
  }

  return {
    load,
    /** What the panel shows from here, for its "rebuild only on change" check. */
    snapshot: () => [name, mode, error, busy, follow],
    sections: (prompt: boolean, balance: number): Child[] => [
      followRow(),
      accountSection(prompt, balance),
    ],
  };
}
