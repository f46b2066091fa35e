/**
 * The player's optional chat panel (`chat: true`, decision 40): loads its UI (its own chunk in
 * the ESM build, like the rewards) once the video first plays, so it never delays playback (see
 * `mountAfterFirstFrame`). The socket reuses socket.io-client, which the tracker link already
 * carries. A failure is only logged.
 */
import {
  CHAT_PATH,
  type ChatClientEvents,
  type ChatErrorBody,
  type ChatMessage,
  type ChatServerEvents,
} from '@streamrp2p/protocol';
import { io, type Socket } from 'socket.io-client';
import { mountAfterFirstFrame, type MountedPanel } from '../panel-loader.js';

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

export function startChat(options: StartChatOptions): MountedPanel {
  return mountAfterFirstFrame(options.video, options.container, 'chat', () =>
    import('./chat-ui.js').then(
      ({ mountChat }) =>
        () =>
          mountChat(options, () => openSocket(options)),
    ),
  );
}
