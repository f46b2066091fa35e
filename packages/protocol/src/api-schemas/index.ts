/**
 * `@streamrp2p/protocol/api-schemas`: one TypeBox schema per HTTP shape of the coordinator
 * (decision 29). The main entry re-exports only the types derived from these, so a bundle that
 * imports the main entry gains nothing from them.
 */
export * from './builders.js';
export * from './requests.js';
export * from './responses.js';
export * from './analytics.js';
export * from './economics.js';
export * from './payouts.js';
export * from './accounts.js';
export * from './studio.js';
export * from './rewards.js';
export * from './community.js';
export * from './viewer-accounts.js';
export * from './chat.js';
export * from './referrals.js';
export * from './leaderboards.js';
export * from './growth.js';
export * from './privacy.js';
