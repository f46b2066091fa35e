/**
 * Schemas of a viewer's export and erasure (issue 14, decision 45): everything the coordinator
 * holds about a viewer as one document, and the answer of the "right to be forgotten".
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime } from './builders.js';

/** `GET /api/viewers/:viewerId/export`: every table's rows of the viewer. */
export const ViewerExportResponse = Closed({
  viewerId: Type.String(),
  exportedAt: DateTime(),
  tables: Type.Record(Type.String(), Type.Array(Type.Record(Type.String(), Type.Unknown())), {
    description:
      "The viewer's rows by table, columns as stored; secrets and password hashes never appear",
  }),
});
export type ViewerExportResponse = Static<typeof ViewerExportResponse>;

/** `POST /api/viewers/:viewerId/erasure` and its admin twin. */
export const ErasureResponse = Closed({
  status: Type.Union([Type.Literal('erased'), Type.Literal('already_erased')], {
    description: '`already_erased`: an earlier erasure of this viewer id left nothing to erase',
  }),
  rows: Type.Integer({ minimum: 0, description: 'Rows deleted or anonymised by this request' }),
  erasedAt: DateTime('When the viewer id was first erased'),
});
export type ErasureResponse = Static<typeof ErasureResponse>;
