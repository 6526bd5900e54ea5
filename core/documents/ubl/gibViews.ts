import fs from 'node:fs';
import path from 'node:path';
import { KonnektorError } from '../../errors';
import { locateGibPackage } from '../../validation/gibPackage';
import type { ViewStylesheet } from './invoice';

/**
 * GİB's own view stylesheets for the despatch family, embedded into every document as GİB's samples do: the
 * despatch's `irsaliye.xslt` and the receipt advice's `irsaliyeyaniti.xslt`, read from GİB's UBL-TR package
 * (`UBL-TR1.2.1_Paketi/xml/`, which `konnektor gib install` also brings) — never copied into Konnektör. Both pass
 * the view whitelist (core/documents/preview.ts): GİB's views use nothing that reaches outside the document.
 */
export const GIB_VIEW_FILES = {
  despatch: { file: 'UBL-TR1.2.1_Paketi/xml/irsaliye.xslt', name: 'irsaliye' },
  receipt: { file: 'UBL-TR1.2.1_Paketi/xml/irsaliyeyaniti.xslt', name: 'irsaliyeyaniti' },
} as const;

export type GibViewName = keyof typeof GIB_VIEW_FILES;

const loaded = new Map<string, ViewStylesheet>();

/** One of GİB's views from the package folder (default: the located GİB package); read once per process. */
export function gibView(which: GibViewName, gibPackage?: string): ViewStylesheet {
  const root = gibPackage ?? locateGibPackage();
  const { file, name } = GIB_VIEW_FILES[which];
  const full = path.join(root, ...file.split('/'));
  const known = loaded.get(full);
  if (known) return known;
  let content: string;
  try {
    content = fs.readFileSync(full, 'utf8');
  } catch (e) {
    throw new KonnektorError('GIB_PACKAGE_MISSING', `GİB's view stylesheet ${file} is not in ${root}: ${(e as Error).message}`, { tried: [{ dir: root, missing: file }] });
  }
  const view = { name, content };
  loaded.set(full, view);
  return view;
}
