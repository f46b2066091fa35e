/**
 * The player's optional chat panel (`chat: true`, decision 40): loads its UI (its own chunk in
 * the ESM build, like the rewards) once the video first plays, so it never delays playback. The
 * socket reuses socket.io-client, which the tracker link already carries. A failure is only
 * logged.
 */
import {
  CHAT_PATH,
  type ChatClientEvents,
  type ChatErrorBody,
  type ChatMessage,
  type ChatServerEvents,
} from '@streamrp2p/protocol';
import { io, type Socket } from 'socket.io-client';

export type ChatSocket = Socket<ChatServerEvents, ChatClientEvents>;

export interface StartChatOptions {
  video: HTMLVideoElement;
  container: HTMLElement;
  /** The coordinator's URL (the chat is at its `CHAT_PATH`). */
  url: string;
  /** The handshake of the viewer's current session (a renewed session gives a new secret). */
  auth(): Promise<{ streamId: string; sessionSecret: string }>;
  onMessage(message: ChatMessage): void;
  onError(error: ChatErrorBody): void;
}

/**
 * The chat's socket, made here in the core: the chunk importing socket.io-client or the protocol
 * itself would split them into a shared chunk that the core then loads too.
 */
function openSocket(options: StartChatOptions): ChatSocket {
  return io(options.url, {
    path: CHAT_PATH,
    transports: ['websocket'],
    // Called on every (re)connection: a renewed session brings its new secret.
    auth: (cb) => {
      options.auth().then(
        ({ streamId, sessionSecret }) => cb({ streamId, sessionSecret }),
        () => cb({}),
      );
    },
  });
}

export function startChat(options: StartChatOptions): { destroy(): void } {
  const { video, container } = options;
  let ui: { destroy(): void } | undefined;
  let destroyed = false;
  const load = () => {
    import('./chat-ui.js')
      .then(({ mountChat }) => {
        if (destroyed) return;
        if (getComputedStyle(container).position === 'static') {
          container.style.position = 'relative';
        }
        ui = mountChat(options, () => openSocket(options));
      })
      .catch((error: unknown) => console.warn('streamrp2p: the chat could not load', error));
  };
  video.addEventListener('playing', load, { once: true });
  return {
    destroy() {
      destroyed = true;
      video.removeEventListener('playing', load);
      ui?.destroy();
    },
  };
}
