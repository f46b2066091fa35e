/**
 * The chat panel (plain DOM, like the rewards: the chunk carries no framework): a toggle button
 * on the player, and a panel with the room's messages (names, supporter badges, system
 * messages), the streamer's slow mode, and a form. Refusals (muted, slow mode, too long, too many)
 * are shown as plain sentences. Every text goes in through `textContent`, never as HTML.
 */
// Types only: values of the protocol would split it into a chunk the core loads too.
import type { ChatErrorBody, ChatMessage } from '@streamrp2p/protocol';
import { chatErrorText, clock } from './chat-errors.js';
import { addChatStyle } from './chat-style.js';
import type { ChatSocket, StartChatOptions } from './start-chat.js';

/** Below this player width the panel opens under the player instead of over its right side. */
const SIDE_MIN_WIDTH = 560;
/** First and longest wait before joining again after a refusal. */
const RETRY_MIN_MS = 5000;
const RETRY_MAX_MS = 60_000;
/** Messages kept in the list; older ones leave it. */
const MAX_SHOWN = 200;
/** The protocol's `CHAT_MAX_LENGTH`, until the welcome says. */
const DEFAULT_MAX_LENGTH = 500;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function mountChat(
  options: StartChatOptions,
  openSocket: () => ChatSocket,
): { destroy(): void } {
  const { container } = options;
  addChatStyle(container.ownerDocument);
  const id = `srp-chat-${Math.random().toString(36).slice(2)}`;
  const toggle = h('button', 'srp-chat-toggle', 'Chat');
  toggle.type = 'button';
  toggle.setAttribute('aria-controls', id);
  toggle.setAttribute('aria-expanded', 'false');
  const panel = h('section', 'srp-chat');
  panel.id = id;
  panel.setAttribute('aria-label', 'Chat');
  panel.hidden = true;
  const head = h('div', 'srp-chat-head');
  const title = h('h2', '', 'Chat');
  const close = h('button', 'srp-chat-close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close the chat');
  head.append(title, close);
  const note = h('p', 'srp-chat-note');
  note.hidden = true;
  const list = h('ul', 'srp-chat-list');
  list.setAttribute('aria-live', 'polite');
  const error = h('p', 'srp-chat-error');
  error.setAttribute('role', 'alert');
  const form = h('form', 'srp-chat-form');
  const input = h('input', '');
  input.type = 'text';
  let maxLength = DEFAULT_MAX_LENGTH;
  input.maxLength = maxLength;
  input.placeholder = 'Say something…';
  input.setAttribute('aria-label', 'Message');
  input.autocomplete = 'off';
  const send = h('button', '', 'Send');
  send.type = 'submit';
  form.append(input, send);
  panel.append(head, note, list, error, form);
  container.append(toggle);

  let slowModeSeconds = 0;
  let mutedUntil: string | undefined;
  let you: string | undefined;

  const setOpen = (open: boolean) => {
    if (open) {
      // A narrow player (a phone) keeps its picture: the panel goes under it.
      const below = container.clientWidth < SIDE_MIN_WIDTH;
      panel.classList.toggle('srp-chat-below', below);
      if (below) container.after(panel);
      else container.append(panel);
    }
    panel.hidden = !open;
    toggle.hidden = open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) {
      list.scrollTop = list.scrollHeight;
      input.focus();
    } else toggle.focus();
  };
  toggle.addEventListener('click', () => setOpen(true));
  close.addEventListener('click', () => setOpen(false));

  const renderNote = () => {
    const lines: string[] = [];
    if (you !== undefined) lines.push(`You chat as ${you}.`);
    if (slowModeSeconds > 0) lines.push(`Slow mode: one message every ${slowModeSeconds} s.`);
    if (mutedUntil !== undefined) lines.push(`The streamer muted you until ${clock(mutedUntil)}.`);
    note.textContent = lines.join(' ');
    note.hidden = lines.length === 0;
  };

  const showError = (body: ChatErrorBody | undefined) => {
    error.textContent = body === undefined ? '' : chatErrorText(body);
    if (body !== undefined) options.onError(body);
  };

  const item = (message: ChatMessage): HTMLLIElement => {
    const li = h('li', message.type === 'system' ? 'srp-chat-system' : '');
    li.dataset.id = message.id;
    if (message.type === 'system') {
      li.textContent = `★ ${message.text}`;
      return li;
    }
    li.append(h('span', 'srp-chat-name', message.sender.name));
    if (message.sender.supporter) li.append(h('span', 'srp-chat-badge', 'Supporter'));
    li.append(document.createTextNode(message.text));
    return li;
  };

  const add = (message: ChatMessage) => {
    if (list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(item(message));
    while (list.children.length > MAX_SHOWN) list.firstElementChild?.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
    options.onMessage(message);
  };

  const socket = openSocket();

  // The room's messages can arrive between joining and the welcome: kept until the history is
  // in, then added after it (`add` drops one the history holds already).
  let early: ChatMessage[] | undefined = [];
  socket.on('welcome', (welcome) => {
    list.replaceChildren();
    welcome.history.forEach(add);
    early?.forEach(add);
    early = undefined;
    you = welcome.you.name;
    maxLength = welcome.maxLength;
    input.maxLength = maxLength;
    slowModeSeconds = welcome.settings.slowModeSeconds;
    mutedUntil = welcome.mutedUntil;
    showError(undefined);
    renderNote();
  });
  socket.on('message', (message) => (early ? early.push(message) : add(message)));
  socket.on('deleted', ({ id: messageId }) => {
    list.querySelector(`[data-id="${CSS.escape(messageId)}"]`)?.remove();
  });
  socket.on('settings', (settings) => {
    slowModeSeconds = settings.slowModeSeconds;
    renderNote();
  });
  socket.on('muted', ({ until }) => {
    mutedUntil = until ?? undefined;
    renderNote();
  });
  // socket.io retries a lost connection by itself, but not one the coordinator refused or
  // closed (an expired session): retry those here, later and later, with the session the link
  // holds then (it renews an expired one on its next call).
  let retryMs = RETRY_MIN_MS;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const retryLater = () => {
    clearTimeout(retry);
    retry = setTimeout(() => socket.connect(), retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
  socket.on('connect', () => {
    early = [];
    retryMs = RETRY_MIN_MS;
  });
  socket.on('connect_error', (err) => {
    const data = (err as { data?: ChatErrorBody }).data;
    showError(data ?? { code: 'UNAVAILABLE', message: err.message });
    if (!socket.active) retryLater();
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') retryLater();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === '') return;
    if ([...text].length > maxLength) {
      showError({
        code: 'INVALID_MESSAGE',
        message: `a message has at most ${maxLength} characters`,
      });
      return;
    }
    send.disabled = true;
    socket
      .timeout(10_000)
      .emitWithAck('send', { text })
      .then(
        (ack) => {
          if (ack.ok) {
            input.value = '';
            showError(undefined);
            add(ack.message);
          } else {
            if (ack.error.code === 'MUTED') mutedUntil = ack.error.until;
            renderNote();
            showError(ack.error);
          }
        },
        () => showError({ code: 'UNAVAILABLE', message: 'no answer; try again' }),
      )
      .finally(() => {
        send.disabled = false;
      });
  });

  return {
    destroy() {
      clearTimeout(retry);
      socket.disconnect();
      toggle.remove();
      panel.remove();
    },
  };
}
