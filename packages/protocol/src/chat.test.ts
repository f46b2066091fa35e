import { describe, expect, it } from 'vitest';
import { CHAT_MAX_LENGTH, parseChatHandshake, parseChatSend } from './chat.js';

describe('parseChatSend', () => {
  it('trims and accepts 1..500 characters, counting code points', () => {
    expect(parseChatSend({ text: '  hello  ' })).toEqual({ ok: true, value: { text: 'hello' } });
    expect(parseChatSend({ text: '🙂'.repeat(CHAT_MAX_LENGTH) }).ok).toBe(true);
    expect(parseChatSend({ text: 'x'.repeat(CHAT_MAX_LENGTH + 1) })).toMatchObject({ ok: false });
    expect(parseChatSend({ text: 'x'.repeat(1_000_000) })).toMatchObject({ ok: false });
  });

  it('refuses empty text, control characters, line breaks, lone surrogates and bad shapes', () => {
    for (const input of [
      { text: '   ' },
      { text: 'a\u0000b' },
      { text: 'two\nlines' },
      { text: 'c1\u0085' },
      { text: 'lone \ud800 high' },
      { text: 'lone \udc00 low' },
      { text: 42 },
      'text',
      null,
      [],
    ]) {
      expect(parseChatSend(input).ok).toBe(false);
    }
    expect(parseChatSend({ text: 'pair \ud83d\ude42 ok' }).ok).toBe(true);
  });
});

describe('parseChatHandshake', () => {
  it('needs a stream id and a session secret', () => {
    expect(parseChatHandshake({ streamId: 's-1', sessionSecret: 'abc' })).toEqual({
      ok: true,
      value: { streamId: 's-1', sessionSecret: 'abc' },
    });
    expect(parseChatHandshake({ streamId: 'bad id', sessionSecret: 'abc' }).ok).toBe(false);
    expect(parseChatHandshake({ streamId: 's-1' }).ok).toBe(false);
    expect(parseChatHandshake({ streamId: 's-1', sessionSecret: 'x'.repeat(513) }).ok).toBe(false);
    expect(parseChatHandshake(undefined).ok).toBe(false);
  });
});
