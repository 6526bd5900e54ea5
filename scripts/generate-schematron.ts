/**
 * Compiles GİB's schematron (from the GİB package in use) into core/validation/schematron/generated/.
 *   npm run generate:schematron [-- --check]
 * --check writes nothing and exits 1 when the committed module is not what the sources produce.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GENERATED_MODULE, generateSchematronModule } from '../core/validation/schematron/compiler';
import { locateGibPackage, projectRoot } from '../core/validation/gibPackage';

const gib = locateGibPackage();
const out = path.join(projectRoot(), GENERATED_MODULE);
const text = generateSchematronModule(gib);
const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error(`${GENERATED_MODULE} is not up to date with ${gib}: run npm run generate:schematron`);
    process.exit(1);
  }
  console.log(`${GENERATED_MODULE} is up to date`);
} else if (current === text) {
  console.log(`${GENERATED_MODULE} unchanged`);
} else {
  fs.writeFileSync(out, text);
  console.log(`wrote ${GENERATED_MODULE} (${text.length} characters) from ${gib}`);
}
