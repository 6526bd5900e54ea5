/**
 * The documents the two schematron engines are held to: GİB's official samples (invoices, despatch advices,
 * receipt advices, application responses, envelopes, user-account documents — every root the schematron covers),
 * the golden invoices, and the documents Konnektör builds from the demo accounting databases.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listConnectors } from '../../connectors/registry';
import { createKonnektorApi } from '../../core/api';
import type { ErpTarget } from '../../core/erp/target';
import { locateGibPackage } from '../../core/validation/gibPackage';
import { ErpConnections } from '../../db/erp';
import { openLocalStore } from '../../db/local';
import { SHIPPED } from '../../runtime/shipped';

export type SchematronType = 'efatura' | 'earchive';

export interface CorpusDocument {
  /** Where it came from, e.g. `gib:UBL-TR1.2.1_Paketi/xml/HASTANE.xml`, `golden:01-….xml`, `demo:logo/001/02/efatura/…`. */
  name: string;
  xml: string;
  type: SchematronType;
}

const GOLDEN = path.resolve(__dirname, '../fixtures/golden');

/** e-Arşiv samples say so in their names (`…_EArsıv`, `…_EArşiv`, TEKNOLOJI_DESTEK is an e-Arşiv invoice). */
function typeOfSample(file: string, xml: string): SchematronType {
  return /EAr/i.test(file) || /<cbc:ProfileID>EARSIVFATURA</.test(xml) ? 'earchive' : 'efatura';
}

/** Every XML file of GİB's two sample folders, as text (not well-formed ones included: the caller decides). */
export function gibSamples(): CorpusDocument[] {
  const gib = locateGibPackage();
  const out: CorpusDocument[] = [];
  for (const dir of ['UBL-TR1.2.1_Paketi/xml', 'e-FaturaPaketi/xml']) {
    for (const f of fs.readdirSync(path.join(gib, dir)).filter((x) => x.endsWith('.xml')).sort()) {
      const xml = fs.readFileSync(path.join(gib, dir, f), 'utf8');
      out.push({ name: `gib:${dir}/${f}`, xml, type: typeOfSample(f, xml) });
    }
  }
  return out;
}

export function goldenFiles(): CorpusDocument[] {
  return fs
    .readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => {
      const xml = fs.readFileSync(path.join(GOLDEN, f), 'utf8');
      return { name: `golden:${f}`, xml, type: /EARSIVFATURA/.test(f) ? 'earchive' : 'efatura' };
    });
}

/**
 * The outgoing documents of a demo (`konnektor demo init` with this many invoices per program), exported by
 * Konnektör for every connector, firm/period or database, and module.
 */
export async function demoDocuments(invoices: number): Promise<CorpusDocument[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-diff-demo-'));
  const store = await openLocalStore(':memory:');
  const connections = new ErpConnections();
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  try {
    const demo = await api['demo.init']({ dir: path.join(root, 'demo'), invoices, seed: 11 });
    await api['registry.import']({ file: demo.userList });
    const multi = (await store('registered_users').select('identifier').count({ n: '*' }).groupBy('identifier')) as { identifier: string; n: number }[];
    for (const row of multi.filter((r) => Number(r.n) > 1)) {
      const [first] = (await store('registered_users').where('identifier', row.identifier).orderBy('alias').select('alias')) as { alias: string }[];
      await api['registry.chooseAlias']({ identifier: row.identifier, alias: first!.alias, actor: 'test' });
    }
    const out: CorpusDocument[] = [];
    for (const connector of listConnectors()) {
      const periods = await connector.listFirmPeriods(
        { connections },
        connector.shape === 'firm-period' ? { connector: connector.id, server: demo.server, database: 'LOGODB' } : { connector: connector.id, server: demo.server },
      );
      for (const fp of periods) {
        const target: ErpTarget =
          connector.shape === 'firm-period'
            ? { connector: connector.id, server: demo.server, database: 'LOGODB', firm: fp.firm, period: fp.period }
            : {
                connector: connector.id,
                server: demo.server,
                database: fp.database!,
                // Mikro: the fiscal year lives inside the company database.
                ...(connector.shape === 'database-per-company' && fp.fiscalYear !== undefined ? { fiscalYear: fp.fiscalYear } : {}),
              };
        for (const module of ['efatura', 'earsiv'] as const) {
          const outDir = path.join(root, 'out', `${connector.id}-${fp.firm ?? ''}-${fp.period ?? ''}-${fp.database ?? ''}-${fp.fiscalYear ?? ''}-${module}`);
          const report = await api['documents.export']({ target, module, outDir, iban: 'TR330006100519786457841326' });
          for (const d of report.documents) {
            if (!d.file) continue;
            const xml = fs.readFileSync(path.join(outDir, d.file), 'utf8');
            out.push({ name: `demo:${connector.id}/${fp.firm ?? fp.database}/${fp.period ?? fp.fiscalYear ?? ''}/${module}/${d.erpNumber}`, xml, type: d.module === 'earsiv' ? 'earchive' : 'efatura' });
          }
        }
      }
    }
    return out;
  } finally {
    await api.close();
    await connections.closeAll();
    await store.destroy();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
