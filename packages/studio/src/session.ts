/** Who is signed in: read once from `GET /api/auth/me`, set by sign-in and sign-up. */
import type { SignedInResponse } from '@streamrp2p/protocol/api-schemas';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { api, setCsrfToken } from './api/client.js';

export interface SessionState {
  me: SignedInResponse;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | undefined>(undefined);

/** The signed-in streamer (pages under the shell are only rendered signed in). */
export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside a signed-in page');
  return session;
}

/** The signed-in answer, or undefined when not signed in (401). */
export async function fetchMe(): Promise<SignedInResponse | undefined> {
  try {
    const me = await api<SignedInResponse>('GET', '/api/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if ((error as { status?: number }).status === 401) return undefined;
    throw error;
  }
}
