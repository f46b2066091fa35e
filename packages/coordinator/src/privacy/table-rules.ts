/**
 * One rule per table of the schema (decision 45): how a viewer's rows are found, what its export
 * holds and what its erasure does. `privacy-tables.test` lists the database's tables and fails
 * for any table without a rule here, so a new table cannot escape export and erasure.
 *
 * Erasure runs the rules in this order, in one transaction: tables that find their rows through
 * the viewer's sessions or account come before the sessions and the account they go through.
 */
import { IDENTITY_RULES } from './rules-identity.js';
import { ACTIVITY_RULES } from './rules-activity.js';
import { MONEY_RULES } from './rules-money.js';
import { NO_VIEWER_DATA_RULES } from './rules-none.js';
import type { TableRule } from './table-rule.js';

export type { ErasureKind, ErasureTarget, TableRule } from './table-rule.js';

/** Every table and its rule, in erasure order. */
export const TABLE_RULES: Readonly<Record<string, TableRule>> = Object.freeze({
  ...ACTIVITY_RULES,
  ...MONEY_RULES,
  ...IDENTITY_RULES,
  ...NO_VIEWER_DATA_RULES,
});
