import { create } from 'zustand';
import type { LoginDefaults } from '../../core/api';
import type { Module } from '../../core/modules';
import { targetFieldsOf } from '../../core/erp/targetFields';

/**
 * What the user types on the login screen. Codes are shown the way the ERP writes them ("2" → "002", "1" → "01")
 * as soon as the field is left; whether a code is valid is decided by core/api, which answers with the exact
 * error, so this only pads digits and never rejects.
 */
export interface LoginForm {
  module: Module;
  user: string;
  password: string;
  staff: boolean;
  connector: string;
  server: string;
  database: string;
  firm: string;
  period: string;
  /** Mikro: the fiscal year inside the company database. */
  fiscalYear: string;
  /** The branch (şube) whose documents are read; empty: every branch. Only for programs that keep branches. */
  branch: string;
  integrator?: string;
}

export function padCodeForDisplay(value: string, width: 2 | 3): string {
  const v = value.trim();
  return /^\d+$/.test(v) && v.length < width ? v.padStart(width, '0') : v;
}

interface LoginState {
  form: LoginForm;
  defaults?: LoginDefaults;
  set(changes: Partial<LoginForm>): void;
  applyDefaults(d: LoginDefaults): void;
  blurCode(field: 'firm' | 'period'): void;
  /** Another program: its fields start empty — nothing of the last program's setting is carried over. */
  changeConnector(connector: string): void;
  useDemo(): void;
}

const empty: LoginForm = { module: 'efatura', user: '', password: '', staff: false, connector: '', server: '', database: '', firm: '', period: '', fiscalYear: '', branch: '' };

/** The ERP fields a login sends: only those of the chosen program's layout, never a hidden one. */
export function loginTarget(form: LoginForm, shape: string | undefined, branches = false): Record<string, string> {
  const target: Record<string, string> = { connector: form.connector, server: form.server };
  for (const f of targetFieldsOf(shape)) target[f] = form[f];
  if (branches && (form.branch ?? '').trim() !== '') target.branch = form.branch;
  return target;
}

export const useLogin = create<LoginState>((set, get) => ({
  form: empty,
  set: (changes) => set((s) => ({ form: { ...s.form, ...changes } })),
  applyDefaults: (d) =>
    set((s) => ({
      defaults: d,
      form: {
        ...s.form,
        module: d.module,
        connector: d.prefill.connector,
        server: d.prefill.server,
        database: d.prefill.database ?? '',
        firm: d.prefill.firm ?? '',
        period: d.prefill.period ?? '',
        fiscalYear: d.prefill.fiscalYear !== undefined ? String(d.prefill.fiscalYear) : '',
        branch: d.prefill.branch ?? '',
        user: d.prefill.user ?? s.form.user,
        password: '',
        ...(d.prefill.integrator ? { integrator: d.prefill.integrator } : {}),
      },
    })),
  changeConnector: (connector) =>
    set((s) => {
      if (connector === s.form.connector) return {};
      const saved = s.defaults?.prefill;
      // Back to the program of the saved setting: its own fields come back; any other program starts empty.
      const own = saved && saved.connector === connector;
      return {
        form: {
          ...s.form,
          connector,
          database: own ? (saved.database ?? '') : '',
          firm: own ? (saved.firm ?? '') : '',
          period: own ? (saved.period ?? '') : '',
          fiscalYear: '',
          branch: own ? (saved.branch ?? '') : '',
        },
      };
    }),
  blurCode: (field) => set((s) => ({ form: { ...s.form, [field]: padCodeForDisplay(s.form[field], field === 'firm' ? 3 : 2) } })),
  useDemo: () => {
    const demo = get().defaults?.demo;
    if (demo) set((s) => ({ form: { ...s.form, user: demo.user, password: demo.password, staff: false } }));
  },
}));
