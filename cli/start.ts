import path from 'node:path';
import type { KonnektorApi } from '../core/api';
import { isKonnektorError } from '../core/errors';
import { MODULE_TITLES } from '../core/modules';
import { printResult, table, type Output } from './output';

interface StartOptions {
  home: string;
  out: Output;
}

/**
 * `npm start` on the embedded demo: creates the demo accounting databases on the first run, then shows what a
 * bookkeeper sees after logging in — each program's firms/periods, the connection test of the current period and
 * the documents waiting to be sent per module.
 */
export async function runStart(api: KonnektorApi, { home, out }: StartOptions): Promise<void> {
  const dir = path.join(home, 'demo');
  const server = `sqlite:${dir}`;
  let created = false;
  try {
    await api['demo.init']({ dir });
    created = true;
  } catch (e) {
    if (!(isKonnektorError(e) && e.code === 'DEMO_DIR_INVALID')) throw e;
  }
  const report: { connector: string; database: string; firm?: string; period?: string; module: string; tables: number; outgoing: number }[] = [];
  const logoPeriods = await api['erp.listFirmPeriods']({ target: { connector: 'logo', server, database: 'LOGODB' } });
  for (const fp of logoPeriods.filter((p) => p.active)) {
    for (const module of ['efatura', 'earsiv']) {
      const target = { connector: 'logo', server, database: 'LOGODB', firm: fp.firm, period: fp.period };
      const test = await api['erp.testConnection']({ target, module });
      const docs = await api['documents.listOutgoing']({ target, module });
      report.push({ connector: 'logo', database: 'LOGODB', firm: fp.firm, period: fp.period, module, tables: test.tables.length, outgoing: docs.length });
    }
  }
  const netsisPeriods = await api['erp.listFirmPeriods']({ target: { connector: 'netsis', server } });
  for (const fp of netsisPeriods.filter((p) => p.active && p.database)) {
    for (const module of ['efatura', 'earsiv']) {
      const target = { connector: 'netsis', server, database: fp.database! };
      const test = await api['erp.testConnection']({ target, module });
      const docs = await api['documents.listOutgoing']({ target, module });
      report.push({ connector: 'netsis', database: fp.database!, module, tables: test.tables.length, outgoing: docs.length });
    }
  }
  printResult(out, { dir, server, created, report }, () =>
    [
      created ? `Örnek veri tabanları oluşturuldu: ${dir}` : `Örnek veri tabanları: ${dir}`,
      table(
        ['Program', 'Veri tabanı', 'Firma', 'Dönem', 'Modül', 'Bağlantı', 'Gönderilecek belge'],
        report.map((r) => [r.connector, r.database, r.firm ?? '', r.period ?? '', MODULE_TITLES[r.module as 'efatura'], `✓ ${r.tables} tablo`, r.outgoing]),
      ),
      '',
      'Belgeleri listelemek için:',
      `  npx konnektor documents list --connector logo --server ${server} --database LOGODB --firm 1 --period 2 --module efatura`,
    ].join('\n'),
  );
}
