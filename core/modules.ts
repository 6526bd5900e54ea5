/** The e-document modules a user logs into; each has its own login, ERP coordinates and number series. */
export const MODULES = ['efatura', 'earsiv', 'eirsaliye', 'edefter', 'esmm', 'emm'] as const;
export type Module = (typeof MODULES)[number];

export const MODULE_TITLES: Record<Module, string> = {
  efatura: 'e-Fatura',
  earsiv: 'e-Arşiv',
  eirsaliye: 'e-İrsaliye',
  edefter: 'e-Defter',
  esmm: 'e-SMM',
  emm: 'e-MM',
};

export function isModule(value: string): value is Module {
  return (MODULES as readonly string[]).includes(value);
}
