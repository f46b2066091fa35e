/**
 * A viewer's export (decision 45): every table's rows of the viewer (`table-rules.ts`) as one
 * JSON document, `ViewerExportResponse`. It is written table by table and, for receipts, page
 * by page as they are read, so a long history never sits in memory whole. Tables are read one
 * after the other, not in one snapshot (a transaction would hold PGlite's only connection for
 * the whole download).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Subject } from './subject.js';
import { TABLE_RULES } from './table-rules.js';

/** Writes `chunk`, waiting for the reader when the socket's buffer is full. */
async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Streams the export of `subject` to `out` (the headers already set); does not end it. */
export async function writeExport(
  db: Kysely<DB>,
  subject: Subject,
  out: Writable,
  now: Date,
): Promise<void> {
  const head = { viewerId: subject.viewerId, exportedAt: now.toISOString() };
  await write(out, `${JSON.stringify(head).slice(0, -1)},"tables":{`);
  let firstTable = true;
  for (const [table, rule] of Object.entries(TABLE_RULES)) {
    if (rule.exportRows === undefined) continue;
    await write(out, `${firstTable ? '' : ','}${JSON.stringify(table)}:[`);
    firstTable = false;
    let firstRow = true;
    for await (const page of rule.exportRows(db, subject)) {
      if (page.length === 0) continue;
      const rows = page.map((row) => JSON.stringify(row)).join(',');
      await write(out, `${firstRow ? '' : ','}${rows}`);
      firstRow = false;
    }
    await write(out, ']');
  }
  await write(out, '}}');
}
