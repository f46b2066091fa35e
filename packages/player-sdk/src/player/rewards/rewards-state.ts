import { readKey, writeKey, type RewardsStorage } from './storage.js';
import {
  readSupporterSettings,
  writeSupporterSettings,
  type SupporterSettings,
} from './supporter-settings.js';

/**
 * The coordinator's points status: `account_prompt` from 100 points, `vip` from 1000 (this module
 * imports nothing outside `rewards/`, so it stays in its own chunk).
 */
export type PointsStatus = 'none' | 'account_prompt' | 'vip';

/** The high-intent moments the supporter call to action appears at (the seed's). */
export type SupporterMoment = 'balance-viewed' | 'vip';

/** What the rewards UI shows now. */
export interface RewardsView {
  /** The points balance, once the coordinator told it. */
  balance: number | undefined;
  /** Show the soft "create an account" prompt (from 100 points, once). */
  accountPrompt: boolean;
  /** Show the "become a supporter" call to action, and at which moment. */
  supporterCta: SupporterMoment | undefined;
  /** The viewer chose to support (uploading on, with its cap). */
  supporter: SupporterSettings | undefined;
}

export interface RewardsStateOptions {
  /**
   * Offer the supporter call to action.
   * @default true
   */
  supporterPrompt?: boolean;
  /** Where once-only prompts and the supporter choice are remembered; undefined: nowhere. */
  storage: RewardsStorage | undefined;
  /**
   * Whether the engine uploads already (not consume-only): nobody is asked to start what they
   * do. @default () => false
   */
  isUploading?: () => boolean;
}

/** `localStorage` keys of the prompts already shown (each is shown once per browser). */
export const PROMPT_KEYS = {
  account: 'streamrp2p:prompt:account',
  'balance-viewed': 'streamrp2p:prompt:supporter-balance-viewed',
  vip: 'streamrp2p:prompt:supporter-vip',
} as const;

/**
 * The rewards' decisions, without the DOM: the balance, when the soft account prompt and the
 * supporter call to action show (each once per browser, remembered in storage), and the
 * viewer's supporter choice.
 *
 * @example
 * const state = createRewardsState({ storage: localStorage });
 * state.points({ balance: 110, status: 'account_prompt' }); // view().accountPrompt === true
 * state.balanceViewed(); // view().supporterCta === 'balance-viewed'
 */
export interface RewardsState {
  view(): RewardsView;
  /** A points answer of the coordinator (heartbeat or action), with the status it gave. */
  points(answer: { balance: number; status: PointsStatus }): void;
  /** The viewer opened its points balance: a high-intent moment. */
  balanceViewed(): void;
  dismissAccountPrompt(): void;
  dismissSupporterCta(): void;
  /** The viewer chose to support, with its cap; remembered for later visits. */
  becomeSupporter(settings: SupporterSettings): void;
  stopSupporting(): void;
}

/*
 * A closure rather than a class: class fields, lowered for the ES2020 bundle, need a helper the
 * entry shares, which would become a chunk of its own loaded at startup.
 */
export function createRewardsState(options: RewardsStateOptions): RewardsState {
  const offerSupport = options.supporterPrompt ?? true;
  let balance: number | undefined;
  let accountPrompt = false;
  let cta: SupporterMoment | undefined;
  let supporter = readSupporterSettings(options.storage);

  /** True the first time a prompt is asked for in this browser, then remembered. */
  const once = (prompt: keyof typeof PROMPT_KEYS): boolean => {
    const key = PROMPT_KEYS[prompt];
    if (readKey(options.storage, key) !== undefined) return false;
    writeKey(options.storage, key, String(Date.now()));
    return true;
  };
  const offer = (moment: SupporterMoment): void => {
    if (!offerSupport || supporter || cta) return;
    if (options.isUploading?.() === true) return;
    if (once(moment)) cta = moment;
  };

  return {
    view: () => ({ balance, accountPrompt, supporterCta: cta, supporter }),
    points(answer) {
      balance = answer.balance;
      if (answer.status !== 'none') accountPrompt ||= once('account');
      if (answer.status === 'vip') offer('vip');
    },
    balanceViewed: () => offer('balance-viewed'),
    dismissAccountPrompt: () => void (accountPrompt = false),
    dismissSupporterCta: () => void (cta = undefined),
    becomeSupporter(settings) {
      supporter = { ...settings };
      cta = undefined;
      writeSupporterSettings(options.storage, supporter);
    },
    stopSupporting() {
      supporter = undefined;
      writeSupporterSettings(options.storage, undefined);
    },
  };
}
