/**
 * Which fields of an ERP target belong to a program's layout (connectors/contract.ts `ConnectorShape`). A login or
 * a settings form keeps only these: a Logo firm/period must never travel with a Netsis login. No imports: the
 * login and settings screens use it at run time.
 */
export type TargetField = 'database' | 'firm' | 'period' | 'fiscalYear';

export const TARGET_FIELDS = {
  /** Logo: firms and periods inside one database. */
  'firm-period': ['database', 'firm', 'period'],
  /** Netsis, ETA: one database per company and year. */
  'database-per-year': ['database'],
  /** Mikro: one database per company, the fiscal year inside it. */
  'database-per-company': ['database', 'fiscalYear'],
} as const satisfies Record<string, readonly TargetField[]>;

export type TargetShape = keyof typeof TARGET_FIELDS;

export function targetFieldsOf(shape: string | undefined): readonly TargetField[] {
  return shape && shape in TARGET_FIELDS ? TARGET_FIELDS[shape as TargetShape] : TARGET_FIELDS['firm-period'];
}

/** The fields a layout needs before Konnektör can read documents: all of them. */
export function missingTargetFields(shape: string | undefined, target: Partial<Record<TargetField, string | number | undefined>>): TargetField[] {
  return targetFieldsOf(shape).filter((f) => target[f] === undefined || String(target[f]).trim() === '');
}
