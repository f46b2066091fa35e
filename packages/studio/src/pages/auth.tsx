/** Sign in and sign up with email and password (the coordinator sets the session cookie). */
import { REFERRAL_CODE_INPUT_PATTERN, REFERRAL_QUERY_PARAM } from '@streamrp2p/protocol';
import type { SignedInResponse } from '@streamrp2p/protocol/api-schemas';
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { FormError } from '../components/form-error.js';
import { href } from '../router.js';

interface Props {
  mode: 'sign-in' | 'sign-up';
  onSignedIn(answer: SignedInResponse): void;
}

/** The referral code of a sign-up link (`?ref=CODE`, decision 43), if it holds one. */
function linkReferralCode(): string | undefined {
  const code = new URLSearchParams(location.search).get(REFERRAL_QUERY_PARAM) ?? '';
  return new RegExp(REFERRAL_CODE_INPUT_PATTERN).test(code) ? code : undefined;
}

export function AuthPage({ mode, onSignedIn }: Props) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const signUp = mode === 'sign-up';

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = {
      email: String(form.get('email') ?? '').trim(),
      password: String(form.get('password') ?? ''),
      ...(signUp ? { name: String(form.get('name') ?? '').trim() } : {}),
      ...(signUp && linkReferralCode() !== undefined ? { referralCode: linkReferralCode() } : {}),
    };
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(
        await api<SignedInResponse>('POST', signUp ? '/api/accounts' : '/api/auth/sign-in', body),
      );
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="auth">
      <section class="auth-pitch" aria-labelledby="pitch-title">
        <p class="brand auth-brand">
          <span class="brand-mark" aria-hidden="true">
            ▶
          </span>
          StreamrP2P <span class="brand-sub">Studio</span>
        </p>
        <h1 id="pitch-title">Your viewers carry your stream.</h1>
        <p class="lead">
          Add your HLS stream, paste one snippet, and watch peer-to-peer delivery cut your CDN bill
          while supporters earn a share of your revenue.
        </p>
        <ul class="pitch-points">
          <li>Live P2P share, viewers and supporters</li>
          <li>CDN bytes and money saved, by the hour or the month</li>
          <li>Revenue split, periods and payout statements</li>
        </ul>
      </section>
      <section class="card auth-card" aria-labelledby="auth-title">
        <h2 id="auth-title">{signUp ? 'Create your studio account' : 'Sign in to your studio'}</h2>
        <form onSubmit={submit} noValidate={false}>
          {signUp && (
            <div class="field">
              <label for="name">Channel name</label>
              <input id="name" name="name" required maxLength={200} autoComplete="organization" />
            </div>
          )}
          <div class="field">
            <label for="email">Email</label>
            <input
              id="email"
              name="email"
              type="email"
              required
              maxLength={254}
              autoComplete="email"
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              required
              minLength={10}
              maxLength={200}
              autoComplete={signUp ? 'new-password' : 'current-password'}
              aria-describedby={signUp ? 'password-hint' : undefined}
            />
            {signUp && (
              <p id="password-hint" class="hint">
                At least 10 characters.
              </p>
            )}
          </div>
          <FormError error={error} />
          <button type="submit" class="button primary wide" disabled={busy}>
            {busy ? 'One moment…' : signUp ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p class="switch">
          {signUp ? (
            <>
              Already have an account? <a href={href('sign-in')}>Sign in</a>
            </>
          ) : (
            <>
              New to StreamrP2P? <a href={href('sign-up')}>Create an account</a>
            </>
          )}
        </p>
      </section>
    </main>
  );
}
