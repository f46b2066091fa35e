import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import { displayName } from './display-name.js';

function refusal(raw: string): string {
  try {
    displayName(raw);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'VALIDATION_ERROR') return error.message;
    throw error;
  }
  throw new Error(`${raw} was accepted`);
}

describe('displayName', () => {
  it('trims, collapses spaces and keeps letters of any script', () => {
    expect(displayName('  Ada   Lovelace ')).toBe('Ada Lovelace');
    expect(displayName('Zoë_99')).toBe('Zoë_99');
    expect(displayName("O'Brien-Smith")).toBe("O'Brien-Smith");
    expect(displayName('山田 太郎')).toBe('山田 太郎');
    expect(displayName('modern art')).toBe('modern art');
  });

  it('refuses lengths out of 2..32 after trimming', () => {
    expect(refusal('  a  ')).toMatch(/2 to 32 characters/);
    expect(refusal('x'.repeat(33))).toMatch(/2 to 32 characters/);
    expect(displayName('x'.repeat(32))).toHaveLength(32);
  });

  it('refuses symbols, controls and a leading separator', () => {
    expect(refusal('<script>')).toMatch(/letters, digits/);
    expect(refusal('-dash')).toMatch(/start with a letter/);
    expect(refusal('tab\u0007bell')).toMatch(/letters, digits/);
    expect(refusal('🙂 smile')).toMatch(/letters, digits/);
  });

  it('refuses names posing as the platform or its roles, look-alikes included', () => {
    for (const name of [
      'Moderator',
      'M0d-3rator',
      'the_streamer',
      'ADMIN',
      'Mod',
      'StreamrP2P Staff',
    ])
      expect(refusal(name)).toMatch(/platform role/);
  });
});
