/** The chat's refusals as plain sentences for the viewer (the panel shows them as they are). */
import type { ChatErrorBody } from '@streamrp2p/protocol';

/** An ISO time as the viewer's hours and minutes. */
export const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** A refusal as a sentence for the viewer. */
export function chatErrorText(error: ChatErrorBody): string {
  const wait =
    error.retryAfterMs === undefined ? '' : ` Wait ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  switch (error.code) {
    case 'MUTED':
      return error.until === undefined
        ? 'The streamer muted you.'
        : `The streamer muted you until ${clock(error.until)}.`;
    case 'SLOW_MODE':
      return `Slow mode is on.${wait}`;
    case 'RATE_LIMITED':
      return `You are sending too many messages.${wait}`;
    case 'INVALID_MESSAGE':
      return `Not sent: ${error.message}.`;
    case 'SESSION_EXPIRED':
      return 'Your session ended; reconnecting…';
    default:
      return `The chat is unavailable: ${error.message}`;
  }
}
