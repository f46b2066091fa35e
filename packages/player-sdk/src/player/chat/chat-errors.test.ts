import { describe, expect, it } from 'vitest';
import { chatErrorText, clock } from './chat-errors.js';

describe('chatErrorText', () => {
  it('says each refusal plainly, with the wait or the end of the mute', () => {
    const until = '2026-11-30T21:05:00.000Z';
    expect(chatErrorText({ code: 'MUTED', message: 'x', until })).toBe(
      `The streamer muted you until ${clock(until)}.`,
    );
    expect(chatErrorText({ code: 'MUTED', message: 'x' })).toBe('The streamer muted you.');
    expect(chatErrorText({ code: 'SLOW_MODE', message: 'x', retryAfterMs: 11_200 })).toBe(
      'Slow mode is on. Wait 12 s.',
    );
    expect(chatErrorText({ code: 'RATE_LIMITED', message: 'x', retryAfterMs: 30_000 })).toBe(
      'You are sending too many messages. Wait 30 s.',
    );
    expect(
      chatErrorText({
        code: 'INVALID_MESSAGE',
        message: 'a message has at most 500 characters',
      }),
    ).toBe('Not sent: a message has at most 500 characters.');
    expect(chatErrorText({ code: 'UNAVAILABLE', message: 'retry later' })).toBe(
      'The chat is unavailable: retry later',
    );
  });
});
