import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { MIGRATIONS, migrateToLatest } from '../src/index.js';
import { describeWithDatabases } from './databases.js';

describeWithDatabases('database', (t) => {
  it('migrates to the latest schema, and a second run is a no-op', async () => {
    const { db } = t.database;
    const first = await migrateToLatest(db);
    expect(first.error).toBeUndefined();
    const second = await migrateToLatest(db);
    expect(second.results).toEqual([]);
    const applied = await db
      .selectFrom('kysely_migration' as never)
      .select(sql<string>`name`.as('name'))
      .execute();
    expect(applied.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema()`.execute(
      db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'streams',
        'segment_roots',
        'sessions',
        'receipts',
        'viewer_points',
        'point_balances',
        'challenges',
        'pending_credits',
      ]),
    );
    // Migration 002: receipt inserts no longer run key checks that lock the uploader's session.
    const foreignKeys = await sql<{ conname: string }>`
      select conname from pg_constraint
      where conrelid = 'receipts'::regclass and contype = 'f'`.execute(db);
    expect(foreignKeys.rows).toEqual([]);
  });

  it('isolates concurrent transactions: one rolls back, the other commits', async () => {
    const { db } = t.database;
    await migrateToLatest(db);
    const now = new Date();
    const names = [`a-${Math.random()}`, `b-${Math.random()}`];
    let releaseA!: () => void;
    const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));
    const a = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('streamers')
        .values({ id: names[0]!, name: 'a', api_key_hash: names[0]!, created_at: now })
        .execute();
      await aMayFinish;
      throw new Error('roll back a');
    });
    const b = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('streamers')
        .values({ id: names[1]!, name: 'b', api_key_hash: names[1]!, created_at: now })
        .execute();
    });
    // Let b queue (PGlite) or run (PostgreSQL) while a is open, then roll a back.
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseA();
    await expect(a).rejects.toThrow('roll back a');
    await b;
    const rows = await db.selectFrom('streamers').select('id').where('id', 'in', names).execute();
    expect(rows.map((r) => r.id)).toEqual([names[1]]);
  });

  it('reports affected rows (numUpdatedRows, numDeletedRows, numInsertedOrUpdatedRows)', async () => {
    const { db } = t.database;
    await migrateToLatest(db);
    const now = new Date();
    const tag = `n-${Math.random()}`;
    const inserted = await db
      .insertInto('streamers')
      .values(
        [1, 2, 3].map((i) => ({
          id: `${tag}-${i}`,
          name: tag,
          api_key_hash: `${tag}-${i}`,
          created_at: now,
        })),
      )
      .executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n);
    const updated = await db
      .updateTable('streamers')
      .set({ name: 'renamed' })
      .where('name', '=', tag)
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(3n);
    const deleted = await db
      .deleteFrom('streamers')
      .where('name', '=', 'renamed')
      .where('id', 'like', `${tag}%`)
      .executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(3n);
  });

  it('parses int8 columns as numbers', async () => {
    const { db } = t.database;
    const result = await sql<{ big: number }>`select 9007199254740991::int8 as big`.execute(db);
    expect(result.rows[0]!.big).toBe(Number.MAX_SAFE_INTEGER);
  });
});
