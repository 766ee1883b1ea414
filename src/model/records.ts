// The two shapes of training and prediction data, as one: records keyed by column name (a JSON
// API's objects) or a parsed CSV table, whose rows become records of strings and whose errors
// name the file line.
import { CsvError, type CsvTable } from '../data/csv.js';
import { describe } from '../validate/values.js';
import { recordError, type DataRecord, type RowError } from './encoding.js';

/** Records or a parsed CSV: what Model.fit, predictBatch and evaluate take. */
export type ModelData = readonly DataRecord[] | CsvTable;

/** The data as records, the columns when they are known (a CSV header), and how to name a bad row. */
export interface Rows {
  records: readonly DataRecord[];
  columns?: readonly string[];
  error: RowError;
}

/** Read either shape; `source` names a CSV in errors (its file), `label` the call for records. */
export function rowsOf(data: unknown, label: string, source = 'csv'): Rows {
  if (Array.isArray(data)) return { records: data, error: recordError(label) };
  const table = data as CsvTable | null;
  if (table !== null && typeof table === 'object' && Array.isArray(table.columns) && Array.isArray(table.rows) && Array.isArray(table.lines)) {
    return tableRows(table, source);
  }
  throw new TypeError(`${label}: data: expected an array of records or a table from parseCsv, got ${describe(data)}`);
}

/** A CSV table's rows as records of strings; errors are CsvErrors at the row's line (the header's for a whole column). */
export function tableRows(table: CsvTable, source: string): Rows {
  const records = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
  const error: RowError = (row, detail) => new CsvError(source, row === null ? 1 : table.lines[row], detail);
  return { records, columns: table.columns, error };
}
