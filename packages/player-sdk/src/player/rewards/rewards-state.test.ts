import { describe, expect, it } from 'vitest';
import { createRewardsState, PROMPT_KEYS } from './rewards-state.js';
import { capToKbps, readSupporterSettings, SUPPORTER_SETTINGS_KEY } from './supporter-settings.js';

/** An in-memory `localStorage`. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('RewardsState', () => {
  it('shows the balance, and the account prompt from 100 points, once per browser', () => {
    const storage = memoryStorage();
    const state = createRewardsState({ storage });
    expect(state.view()).toEqual({
      balance: undefined,
      accountPrompt: false,
      supporterCta: undefined,
      supporter: undefined,
    });
    state.points({ balance: 99, status: 'none' });
    expect(state.view()).toMatchObject({ balance: 99, accountPrompt: false });
    state.points({ balance: 100, status: 'account_prompt' });
    expect(state.view()).toMatchObject({ balance: 100, accountPrompt: true });
    expect(storage.items.has(PROMPT_KEYS.account)).toBe(true);
    state.dismissAccountPrompt();
    state.points({ balance: 150, status: 'account_prompt' });
    expect(state.view().accountPrompt).toBe(false);
    // A reload: the same browser is not asked again.
    const again = createRewardsState({ storage });
    again.points({ balance: 200, status: 'account_prompt' });
    expect(again.view().accountPrompt).toBe(false);
  });

  it('offers support when the balance is viewed, once, and at VIP (1000 points), once', () => {
    const storage = memoryStorage();
    const state = createRewardsState({ storage });
    state.balanceViewed();
    expect(state.view().supporterCta).toBe('balance-viewed');
    state.dismissSupporterCta();
    state.balanceViewed();
    expect(state.view().supporterCta).toBeUndefined();
    state.points({ balance: 999, status: 'account_prompt' });
    expect(state.view().supporterCta).toBeUndefined();
    state.points({ balance: 1000, status: 'vip' });
    expect(state.view().supporterCta).toBe('vip');
    state.dismissSupporterCta();
    const reloaded = createRewardsState({ storage });
    reloaded.balanceViewed();
    reloaded.points({ balance: 1500, status: 'vip' });
    expect(reloaded.view().supporterCta).toBeUndefined();
  });

  it('never offers support with supporterPrompt: false, nor to a supporter', () => {
    const off = createRewardsState({ storage: memoryStorage(), supporterPrompt: false });
    off.balanceViewed();
    off.points({ balance: 5000, status: 'vip' });
    expect(off.view()).toMatchObject({ supporterCta: undefined, balance: 5000 });

    const storage = memoryStorage();
    const supporter = createRewardsState({ storage });
    supporter.becomeSupporter({ maxUploadKbps: 1500, allowMetered: false });
    supporter.balanceViewed();
    expect(supporter.view().supporterCta).toBeUndefined();
    // The prompt was not spent: it is still there if the viewer stops supporting.
    expect(storage.items.has(PROMPT_KEYS['balance-viewed'])).toBe(false);
  });

  it('remembers the supporter choice and its cap across reloads, until stopped', () => {
    const storage = memoryStorage();
    const state = createRewardsState({ storage });
    state.balanceViewed();
    state.becomeSupporter({ maxUploadKbps: 800, allowMetered: true });
    expect(state.view()).toMatchObject({
      supporterCta: undefined,
      supporter: { maxUploadKbps: 800, allowMetered: true },
    });
    expect(createRewardsState({ storage }).view().supporter).toEqual({
      maxUploadKbps: 800,
      allowMetered: true,
    });
    state.stopSupporting();
    expect(storage.items.has(SUPPORTER_SETTINGS_KEY)).toBe(false);
    expect(createRewardsState({ storage }).view().supporter).toBeUndefined();
  });

  it('survives a storage that throws or holds garbage', () => {
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const state = createRewardsState({ storage: throwing });
    state.points({ balance: 100, status: 'account_prompt' });
    state.becomeSupporter({ maxUploadKbps: 100, allowMetered: false });
    expect(state.view()).toMatchObject({ accountPrompt: true, supporter: { maxUploadKbps: 100 } });
    const garbage = memoryStorage();
    garbage.setItem(SUPPORTER_SETTINGS_KEY, '{"maxUploadKbps":-3}');
    expect(readSupporterSettings(garbage)).toBeUndefined();
    garbage.setItem(SUPPORTER_SETTINGS_KEY, 'not json');
    expect(readSupporterSettings(garbage)).toBeUndefined();
  });
});

describe('capToKbps', () => {
  it('reads kbit/s and Mbit/s, refuses what is not a positive cap', () => {
    expect(capToKbps('1.5', 'mbps')).toBe(1500);
    expect(capToKbps('2,5', 'mbps')).toBe(2500);
    expect(capToKbps(' 800 ', 'kbps')).toBe(800);
    for (const bad of ['', '0', '-1', 'abc', 'Infinity', '1e9']) {
      expect(capToKbps(bad, 'mbps')).toBeUndefined();
    }
  });
});

describe('formatting', () => {
  it('money in integer micro-units, caps and bytes', async () => {
    const { formatBytes, formatKbps, formatMicros } = await import('./format.js');
    expect(formatMicros(1_239_999, 'USD')).toBe('1.23 USD');
    expect(formatMicros(-50_000, 'EUR')).toBe('-0.05 EUR');
    expect(formatKbps(1500)).toBe('1.5 Mbit/s');
    expect(formatKbps(800)).toBe('800 kbit/s');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(12_345_678)).toBe('12 MB');
  });
});
