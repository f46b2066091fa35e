/** The studio shell: sign-in gate, header with navigation and account, and the routed page. */
import type { SignedInResponse } from '@streamrp2p/protocol/api-schemas';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, setCsrfToken, SIGNED_OUT_EVENT } from './api/client.js';
import { ApiKeysPage } from './pages/api-keys.js';
import { AuthPage } from './pages/auth.js';
import { CommunityPage } from './pages/community.js';
import { GrowthPage } from './pages/growth.js';
import { MoneyPage } from './pages/money.js';
import { StreamPage } from './pages/stream.js';
import { StreamsPage } from './pages/streams.js';
import { href, navigate, useRoute } from './router.js';
import { fetchMe, SessionContext, type SessionState } from './session.js';

export function App() {
  const [me, setMe] = useState<SignedInResponse | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string>();
  const route = useRoute();

  useEffect(() => {
    const signedOut = () => {
      setCsrfToken(undefined);
      setMe(null);
    };
    addEventListener(SIGNED_OUT_EVENT, signedOut);
    return () => removeEventListener(SIGNED_OUT_EVENT, signedOut);
  }, []);

  useEffect(() => {
    fetchMe().then(
      (answer) => setMe(answer ?? null),
      (error: Error) => setLoadError(error.message),
    );
  }, []);

  const session = useMemo<SessionState | undefined>(
    () =>
      me
        ? {
            me,
            async signOut() {
              await api('POST', '/api/auth/sign-out');
              setCsrfToken(undefined);
              setMe(null);
              navigate('sign-in');
            },
          }
        : undefined,
    [me],
  );

  if (loadError !== undefined) {
    return (
      <main class="centered">
        <div class="card narrow" role="alert">
          <h1>The studio cannot reach the coordinator</h1>
          <p>{loadError}</p>
          <button type="button" class="button" onClick={() => location.reload()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (me === undefined) {
    return (
      <main class="centered" aria-busy="true">
        <p class="muted">Loading the studio…</p>
      </main>
    );
  }
  if (me === null || session === undefined) {
    return (
      <AuthPage
        mode={route[0] === 'sign-up' ? 'sign-up' : 'sign-in'}
        onSignedIn={(answer) => {
          setCsrfToken(answer.csrfToken);
          setMe(answer);
          if (route[0] === 'sign-in' || route[0] === 'sign-up') navigate('streams');
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell route={route} />
    </SessionContext.Provider>
  );
}

function Shell({ route }: { route: string[] }) {
  const [section, id, tab] = route;
  let page;
  let current = 'streams';
  if (section === 'keys') {
    page = <ApiKeysPage />;
    current = 'keys';
  } else if (section === 'community') {
    page = <CommunityPage />;
    current = 'community';
  } else if (section === 'growth') {
    page = <GrowthPage />;
    current = 'growth';
  } else if (section === 'streams' && id !== undefined && tab === 'growth') {
    page = <GrowthPage streamId={id} />;
  } else if (section === 'streams' && id !== undefined && tab === 'money') {
    page = <MoneyPage streamId={id} />;
  } else if (section === 'streams' && id !== undefined) {
    page = <StreamPage streamId={id} />;
  } else {
    page = <StreamsPage />;
  }
  return (
    <>
      <a class="skip-link" href="#content">
        Skip to content
      </a>
      <Header current={current} />
      <main id="content" class="page" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

function Header({ current }: { current: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <header class="topbar">
      <a class="brand" href={href('streams')}>
        <span class="brand-mark" aria-hidden="true">
          ▶
        </span>
        <span>
          StreamrP2P <span class="brand-sub">Studio</span>
        </span>
      </a>
      <nav aria-label="Studio">
        <a href={href('streams')} aria-current={current === 'streams' ? 'page' : undefined}>
          Streams
        </a>
        <a href={href('growth')} aria-current={current === 'growth' ? 'page' : undefined}>
          Growth
        </a>
        <a href={href('community')} aria-current={current === 'community' ? 'page' : undefined}>
          Community
        </a>
        <a href={href('keys')} aria-current={current === 'keys' ? 'page' : undefined}>
          API keys
        </a>
      </nav>
      <AccountMenu busy={busy} setBusy={setBusy} />
    </header>
  );
}

function AccountMenu({ busy, setBusy }: { busy: boolean; setBusy: (b: boolean) => void }) {
  return (
    <SessionContext.Consumer>
      {(session) =>
        session && (
          <div class="account">
            <span class="account-email" title={session.me.account.email}>
              {session.me.account.email}
            </span>
            <button
              type="button"
              class="button ghost small"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                await session.signOut().finally(() => setBusy(false));
              }}
            >
              Sign out
            </button>
          </div>
        )
      }
    </SessionContext.Consumer>
  );
}
