/** The schematron sources of a GİB package, identified by content: what the compiled checks were generated from. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GIB_FILES } from '../../gibPackage';

export interface SourceFile {
  /** Path inside the GİB package, with forward slashes. */
  file: string;
  sha256: string;
}

/** SHA-256 of each schematron source file in the package. */
export function schematronSources(gibRoot: string, files: readonly string[] = GIB_FILES.schematronSources): SourceFile[] {
  return files.map((rel) => ({
    file: rel,
    sha256: crypto.createHash('sha256').update(fs.readFileSync(path.join(gibRoot, ...rel.split('/')))).digest('hex'),
  }));
}
