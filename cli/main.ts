import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { createKonnektorApi, type KonnektorApi } from '../core/api';
import { documentKinds } from '../core/documents/kinds';
import type { CanonicalDocument } from '../core/documents/model';
import { redactServer } from '../core/erp/target';
import { logger } from '../core/logging';
import { MODULE_TITLES, type Module } from '../core/modules';
import { ErpConnections } from '../db/erp';
import { openHomeStore, type LocalStore } from '../db/local';
import { KonnektorError } from '../core/errors';
import { writeOutputFile } from '../core/folders';
import { runSandboxCommand } from '../sandbox/server/cli';
import { commandAction, printResult, reportError, table } from './output';
import { runStart } from './start';
import { erpServerFromOptions, erpServerOf } from './erpServer';
import { registerYearEndCommands } from './yearend';
import { registerEdefterCommands } from './edefter';
import { SHIPPED } from '../runtime/shipped';

/** The modules whose documents Konnektör sends, as the help lists them (core/documents/kinds). */
const SENDING_MODULES = [...new Set(documentKinds.list().filter((k) => k.direction === 'outgoing').map((k) => k.module))].join(' | ');

/** A file `validate` could not read at all: bad input (exit 2), reported on its own line. */
const UNREADABLE_FILE = new Set(['FILE_NOT_FOUND', 'FILE_NOT_REGULAR', 'FILE_TOO_LARGE']);

export function konnektorHome(): string {
  return process.env.KONNEKTOR_HOME ?? path.join(os.homedir(), '.konnektor');
}

/** The demo server used when --server is not given: the demo databases in the Konnektör home folder. */
function defaultServer(): string {
  return process.env.KONNEKTOR_ERP_SERVER ?? `sqlite:${path.join(konnektorHome(), 'demo')}`;
}

interface TargetOptions {
  connector: string;
  server: string;
  database?: string;
  firm?: string;
  period?: string;
  fiscalYear?: string;
  branch?: string;
  json?: boolean;
}

function targetOf(o: TargetOptions, cmd?: Command) {
  return {
    connector: o.connector,
    // Without the command, a --server other than the default (KONNEKTOR_ERP_SERVER or the demo) was typed.
    server: cmd ? erpServerOf(cmd) : erpServerFromOptions(o, o.server !== defaultServer()),
    ...(o.database !== undefined ? { database: o.database } : {}),
    ...(o.firm !== undefined ? { firm: o.firm } : {}),
    ...(o.period !== undefined ? { period: o.period } : {}),
    ...(o.fiscalYear !== undefined ? { fiscalYear: o.fiscalYear } : {}),
    ...(o.branch !== undefined ? { branch: o.branch } : {}),
  };
}

function withTarget(cmd: Command, opts: { database?: boolean; firm?: boolean } = {}): Command {
  cmd
    .addOption(new Option('--connector <id>', 'muhasebe programı: logo | netsis | mikro | eta').default('logo'))
    .addOption(new Option('--server <url>', 'mssql://kullanici@sunucu:1433/ÖRNEK veya sqlite:<klasör> (şifre yazılmaz: --erp-password-env)').default(defaultServer()))
    .option('--erp-password-env <VAR>', 'veri tabanı şifresini içeren ortam değişkeninin adı (şifre komut satırına yazılmaz)');
  if (opts.database !== false) cmd.option('--database <name>', 'veri tabanı adı (Logo: LOGODB; Netsis, ETA: şirket-yıl veri tabanı; Mikro: şirket veri tabanı)');
  if (opts.firm !== false) {
    cmd
      .option('--firm <code>', 'firma kodu, 3 hane (2 → 002)')
      .option('--period <code>', 'dönem kodu, 2 hane (1 → 01)')
      .option('--fiscal-year <year>', 'mali yıl (Mikro: yıllar şirket veri tabanının içinde)')
      .option('--branch <code>', 'şube');
  }
  return cmd.option('--json', 'JSON çıktı (betikler için)');
}

function documentRow(d: CanonicalDocument): (string | number)[] {
  // Each kind says what its documents show (customer or producer, type, total; receipts their deductions).
  const s = documentKinds.summarize(d);
  const party = s.party;
  return [
    d.ref.key,
    d.erpNumber,
    d.issueDate,
    s.type,
    s.profile ?? '',
    party.length > 38 ? `${party.slice(0, 37)}…` : party,
    `${d.customer.taxId.scheme} ${s.partyTaxId}`,
    s.lines,
    s.currency,
    d.readError ? `${d.readError.code}: ${d.readError.table}.${d.readError.column ?? '?'} (kayıt ${d.readError.row})` : (s.total ?? ''),
    s.deductions?.map((x) => `${x.name} %${x.percent} ${x.amount}`).join('; ') ?? '',
    s.net ?? '',
  ];
}

/** The integrator account of a command: the password comes from the named environment variable, never argv. */
export function integratorOptions(o: { integrator: string; user: string; passwordEnv: string; erpCode?: string; wsLogin?: boolean }) {
  const password = process.env[o.passwordEnv];
  if (!password) throw new KonnektorError('INPUT_INVALID', `Environment variable ${o.passwordEnv} is empty`, { value: o.passwordEnv });
  return { integrator: o.integrator, user: o.user, password, ...(o.erpCode ? { erpCode: o.erpCode } : {}) };
}

export function buildProgram(api: KonnektorApi, setExit: (code: number) => void): Command {
  const program = new Command('konnektor')
    .description('Konnektör: muhasebe veri tabanı ile QNB eFinans arasında e-belge köprüsü')
    .showHelpAfterError()
    .exitOverride();

  const run = commandAction(setExit);

  const demo = program.command('demo').description('örnek (demo) muhasebe veri tabanları');
  demo
    .command('init')
    .description('Logo ve Netsis örnek veri tabanlarını oluşturur')
    .requiredOption('--dir <folder>', 'veri tabanlarının yazılacağı klasör')
    .option('--invoices <n>', 'fatura sayısı (her program için)', '60')
    .option('--seed <n>', 'rastgele veri tohumu (aynı tohum, aynı veri)', '1')
    .option('--year <yyyy>', 'demo için "bu yıl" (varsayılan: Türkiye saatine göre bu yıl)')
    .option('--force', 'klasördeki örnek veri tabanlarını yeniden oluşturur')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = demo.commands[0]!.opts<{ dir: string; invoices: string; seed: string; year?: string; force?: boolean }>();
        const summary = await api['demo.init']({
          dir: o.dir,
          invoices: Number(o.invoices),
          seed: Number(o.seed),
          ...(o.year ? { year: Number(o.year) } : {}),
          ...(o.force ? { force: true } : {}),
          // The command line also prepares the e-Defter test seal (SoftHSM2), so sealing can be tried from the demo.
          edefterToken: true,
        });
        printResult(out, summary, () =>
          [
            `Örnek veri tabanları hazır: ${summary.dir} (${summary.seconds.toFixed(1)} sn)`,
            `  Logo   ${summary.logo.databases.join(', ')}: ${summary.logo.invoices} fatura, ${summary.logo.lines} satır`,
            `  Netsis ${summary.netsis.databases.join(', ')}: ${summary.netsis.invoices} fatura, ${summary.netsis.lines} satır`,
            `  Mikro  ${summary.mikro.databases.join(', ')}: ${summary.mikro.invoices} fatura, ${summary.mikro.lines} satır`,
            `  ETA    ${summary.eta.databases.join(', ')}: ${summary.eta.invoices} fatura, ${summary.eta.lines} satır`,
            `  Sunucu: --server ${summary.server}`,
            `  e-Defter: ${summary.ledger.logo.entries + summary.ledger.netsis.entries + summary.ledger.mikro.entries} yevmiye fişi (Ocak–${String(summary.ledger.lastMonth).padStart(2, '0')}); ayarlar: ${summary.edefterSettings.join(', ')}`,
            ...(summary.edefterToken ? [`  Deneme mali mühürü (SoftHSM2): --token-file ${summary.edefterToken}`] : []),
          ].join('\n'),
        );
      }),
    );

  withTarget(program.command('databases').description('"Veri tabanı Ara": sunucudaki veri tabanları'), { database: false, firm: false }).action(
    run(async (out, cmd) => {
      const o = cmd.opts<TargetOptions>();
      const list = await api['erp.listDatabases']({ connector: o.connector, server: erpServerOf(cmd) });
      printResult(out, list, () =>
        table(
          ['Veri tabanı', 'Tanındı', 'Şirket', 'Yıl'],
          list.map((d) => [d.name, d.recognised ? 'evet' : 'hayır', d.company ?? '', d.fiscalYear ?? '']),
        ),
      );
    }),
  );

  withTarget(program.command('firms').description('"Firma/Dönem Ara": firmalar ve dönemleri')).action(
    run(async (out, cmd) => {
      const o = cmd.opts<TargetOptions>();
      const list = await api['erp.listFirmPeriods']({ target: targetOf(o, cmd) });
      printResult(out, list, () =>
        table(
          ['Firma', 'Firma adı', 'Dönem', 'Mali yıl', 'Başlangıç', 'Bitiş', 'Aktif', 'Veri tabanı'],
          list.map((f) => [f.firm, f.firmName, f.period, f.fiscalYear ?? '', f.periodBegin, f.periodEnd, f.active ? 'evet' : '', f.database ?? '']),
        ),
      );
    }),
  );

  withTarget(program.command('test-connection').description('bağlantıyı ve modülün tablolarını sınar'))
    .requiredOption('--module <module>', 'efatura | earsiv | eirsaliye | edefter | esmm | emm')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<TargetOptions & { module: string }>();
        const result = await api['erp.testConnection']({ target: targetOf(o, cmd), module: o.module });
        printResult(out, result, () =>
          [
            `Bağlantı başarılı (${redactServer(o.server)}).`,
            ...result.checks.map((c) => `  ✓ ${c.name}${c.detail ? `: ${c.detail}` : ''}`),
            // Columns of a newer release this database lacks: reading goes on without what each carries.
            ...(result.warnings ?? []).map((w) => `  ! ${w.message}`),
          ].join('\n'),
        );
      }),
    );

  const documents = program.command('documents').description('muhasebe programındaki belgeler');
  withTarget(documents.command('list').description('gönderilmemiş (giden) belgeler'))
    .requiredOption('--module <module>', SENDING_MODULES)
    .option('--from <date>', 'başlangıç tarihi YYYY-AA-GG')
    .option('--to <date>', 'bitiş tarihi YYYY-AA-GG')
    .option('--limit <n>', 'en çok bu kadar belge')
    .option('--offset <n>', 'baştan atlanacak belge sayısı')
    .action(
      run(async (out, cmd) => {
        const o = documents.commands[0]!.opts<TargetOptions & { module: string; from?: string; to?: string; limit?: string; offset?: string }>();
        const docs = await api['documents.listOutgoing']({
          target: targetOf(o, cmd),
          module: o.module,
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          ...(o.limit ? { limit: Number(o.limit) } : {}),
          ...(o.offset ? { offset: Number(o.offset) } : {}),
        });
        printResult(out, docs, () =>
          [
            `${MODULE_TITLES[o.module as Module] ?? o.module}: ${docs.length} gönderilmemiş belge`,
            table(['Ref', 'Belge no', 'Tarih', 'Tip', 'Senaryo', 'Alıcı / üretici', 'VKN/TCKN', 'Satır', 'Döviz', 'Tutar', 'Kesintiler', 'Net'], docs.map(documentRow)),
          ].join('\n'),
        );
      }),
    );

  withTarget(program.command('export').description('gönderilmemiş faturaları GİB’e uygun UBL-TR dosyaları olarak yazar ve doğrular'))
    .requiredOption('--module <module>', SENDING_MODULES)
    .requiredOption('--out <folder>', 'dosyaların yazılacağı klasör (<ETTN>.xml ve report.json)')
    .option('--from <date>', 'başlangıç tarihi YYYY-AA-GG')
    .option('--to <date>', 'bitiş tarihi YYYY-AA-GG')
    .option('--prefix <ABC>', 'belge numarası seri öneki (3 büyük harf/rakam)')
    .option('--iban <TR…>', 'KAMU faturaları için ödeme IBAN’ı')
    .option('--view-xslt <file.xslt>', 'faturaya gömülecek firma görüntüleme şablonu (XSLT 1.0; varsayılan Konnektör şablonu)')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<TargetOptions & { module: string; out: string; from?: string; to?: string; prefix?: string; iban?: string; viewXslt?: string }>();
        const report = await api['documents.export']({
          target: targetOf(o, cmd),
          module: o.module,
          outDir: o.out,
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          ...(o.prefix ? { prefix: o.prefix } : {}),
          ...(o.iban ? { iban: o.iban } : {}),
          ...(o.viewXslt ? { viewXslt: o.viewXslt } : {}),
        });
        printResult(out, report, () =>
          [
            `${report.summary.documents} belge: ${report.summary.valid} geçerli, ${report.summary.invalid} hatalı (şematron sürümü ${report.schematronRelease})`,
            table(
              ['Belge no (ERP)', 'GİB no', 'ETTN', 'Senaryo', 'Tip', 'Ödenecek', 'Sonuç'],
              report.documents.map((d) => [
                d.erpNumber,
                d.number ?? '',
                d.ettn,
                d.profile ?? '',
                d.type,
                d.payableAmount ? `${d.payableAmount} ${d.currency}` : '',
                d.valid ? '✓' : d.issues.map((i) => `${i.rule}: ${i.message}`).join('\n'),
              ]),
            ),
            `Rapor: ${path.join(path.resolve(o.out), 'report.json')}`,
          ].join('\n'),
        );
        if (report.summary.invalid > 0) setExit(1);
      }),
    );

  withTarget(program.command('send').description('gönderilmemiş faturaları entegratöre (eFinans) gönderir, sonucu izler ve muhasebe programına yazar'))
    .requiredOption('--module <module>', SENDING_MODULES)
    .requiredOption('--integrator <url>', 'entegratör: production (canlı), test veya bir adres (sandbox: http://127.0.0.1:8480)')
    .requiredOption('--user <user>', 'entegratör web servis kullanıcısı')
    .requiredOption('--password-env <VAR>', 'şifreyi içeren ortam değişkeninin adı (şifre komut satırına yazılmaz)')
    .option('--erp-code <code>', 'QNB’nin verdiği ERP kodu (erpKodu)')
    .option('--wsLogin', 'her çağrıda kullanıcı/şifre yerine userService.wsLogin oturumu kullan')
    .option('--from <date>', 'başlangıç tarihi YYYY-AA-GG')
    .option('--to <date>', 'bitiş tarihi YYYY-AA-GG')
    .option('--prefix <ABC>', 'belge numarası seri öneki')
    .option('--iban <TR…>', 'KAMU faturaları için ödeme IBAN’ı')
    .option('--wait', 'her belge son durumuna (teslim, kabul, red, hata) ulaşana kadar izler')
    .option('--concurrency <n>', 'aynı anda en çok bu kadar istek', '4')
    .option('--rate <n>', 'dakikada en çok bu kadar istek; durum sorguları dahil (varsayılan 150, entegratör sınırı 180; yerel sandbox için sınırsız)')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<
          TargetOptions & { module: string; integrator: string; user: string; passwordEnv: string; erpCode?: string; wsLogin?: boolean; from?: string; to?: string; prefix?: string; iban?: string; wait?: boolean; concurrency: string; rate?: string }
        >();
        const password = process.env[o.passwordEnv];
        if (!password) throw new KonnektorError('INPUT_INVALID', `Environment variable ${o.passwordEnv} is empty`, { value: o.passwordEnv });
        const summary = await api['documents.send']({
          target: targetOf(o, cmd),
          module: o.module,
          integrator: o.integrator,
          user: o.user,
          password,
          ...(o.erpCode ? { erpCode: o.erpCode } : {}),
          ...(o.wsLogin ? { auth: 'wsLogin' as const } : {}),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          ...(o.prefix ? { prefix: o.prefix } : {}),
          ...(o.iban ? { iban: o.iban } : {}),
          ...(o.wait ? { wait: true } : {}),
          concurrency: Number(o.concurrency),
          ...(o.rate ? { ratePerMinute: Number(o.rate) } : {}),
        });
        progressDone();
        printResult(out, summary, () =>
          [
            `Okunan ${summary.read}, gönderilen ${summary.sent + summary.delivered + summary.accepted + summary.rejected}, teslim ${summary.delivered}, kabul ${summary.accepted}, red ${summary.rejected}, hatalı ${summary.failed.length + summary.invalid.length}, bekleyen ${summary.open + summary.queued}`,
            ...summary.invalid.map((d) => `  ✗ ${d.erpNumber}: ${d.reasons.join('; ')}`),
            ...summary.failed.map((d) => `  ✗ ${d.erpNumber} ${d.number ?? ''}: ${d.code ?? ''} ${d.reason ?? ''}`),
            ...summary.writeBack.missing.map((d) => `  ! ${d.erpNumber}: muhasebe programında artık yok; sonuç yazılamadı (ETTN ${d.ettn})`),
          ].join('\n'),
        );
        if (summary.failed.length + summary.invalid.length > 0) setExit(1);
      }),
    );

  program
    .command('status')
    .description('giden kutusundaki belgelerin durumu')
    .option('--module <module>', SENDING_MODULES)
    .option('--limit <n>', 'en çok bu kadar belge', '50')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ module?: string; limit: string }>();
        const r = await api['outbox.status']({ ...(o.module ? { module: o.module } : {}), limit: Number(o.limit) });
        printResult(out, r, () =>
          [
            Object.entries(r.counts).map(([k, v]) => `${k}: ${v}`).join(', ') || 'Giden kutusu boş.',
            table(['Modül', 'Belge no (ERP)', 'GİB no', 'ETTN', 'Durum', 'GİB kodu', 'Açıklama'], r.documents.map((d) => [d.module, d.erpNumber, d.number ?? '', d.ettn, d.state, d.gibCode ?? '', d.message ?? ''])),
          ].join('\n'),
        );
      }),
    );

  program
    .command('sandbox')
    .description('yerel eFinans uyumlu deneme sunucusu (yalnızca 127.0.0.1)')
    .option('--port <port>', 'port', '8480')
    .requiredOption('--data <folder>', 'sandbox verilerinin tutulacağı klasör')
    .option('--step-ms <ms>', 'belgelerin bir durumdan diğerine geçme süresi', '2000')
    .option('--generated-users <n>', 'kayıtlı kullanıcı listesine eklenecek uydurma mükellef sayısı (ölçümler için)')
    .option('--no-validate', 'gelen belgeleri GİB XSD ve şematronuna göre denetleme (yalnızca istemci ölçümleri için)')
    .action(
      run(async (_out, cmd) => {
        const o = cmd.opts<{ port: string; data: string; stepMs: string; generatedUsers?: string; validate: boolean }>();
        await runSandboxCommand({
          port: Number(o.port),
          dataDir: o.data,
          stepMs: Number(o.stepMs),
          ...(o.generatedUsers !== undefined ? { generatedUsers: Number(o.generatedUsers) } : {}),
          validate: o.validate,
        });
      }),
    );

  program
    .command('validate')
    .description('UBL-TR fatura dosyalarını GİB XSD ve şematronuna göre doğrular')
    .argument('<files...>', 'XML dosyaları')
    .addOption(new Option('--type <type>', 'şematron türü (varsayılan: ProfileID’ye göre)').choices(['efatura', 'earchive']))
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ type?: 'efatura' | 'earchive' }>();
        const results = await api['documents.validate']({ files: cmd.args, ...(o.type ? { type: o.type } : {}) });
        printResult(out, results, () =>
          results
            .map((r) =>
              r.valid
                ? `✓ ${r.file} (${r.kind})`
                : [`✗ ${r.file} (${r.kind}): ${r.issues.length} hata`, ...r.issues.map((i) => `    [${i.source}] ${i.rule}${i.xpath ? ` @ ${i.xpath}` : ''}: ${i.message}`)].join('\n'),
            )
            .join('\n'),
        );
        // A file that could not be read is bad input (exit 2); the others still got their results above.
        const unreadable = results.filter((r) => r.issues.some((i) => UNREADABLE_FILE.has(i.rule)));
        for (const r of unreadable) process.stderr.write(`HATA ${r.issues[0]!.rule}: ${r.issues[0]!.message} (${r.file})\n`);
        if (unreadable.length > 0) setExit(2);
        else if (results.some((r) => !r.valid)) setExit(1);
      }),
    );

  program
    .command('preview')
    .description('faturayı içindeki görüntüleme şablonuyla HTML olarak gösterir')
    .argument('<file>', 'UBL-TR fatura dosyası')
    .requiredOption('--out <file.html>', 'yazılacak HTML dosyası')
    .option('--default-view', 'faturadaki şablon yerine Konnektör’ün varsayılan görünümünü kullanır')
    .action(
      run(async (_out, cmd) => {
        const { html } = await api['documents.preview']({ file: cmd.args[0]!, ...(cmd.opts<{ defaultView?: boolean }>().defaultView ? { defaultView: true } : {}) });
        const target = cmd.opts<{ out: string }>().out;
        process.stdout.write(`${writeOutputFile(target, html)}\n`);
      }),
    );

  const registry = program.command('registry').description('e-Fatura kayıtlı kullanıcı listesi (önbellek)');
  registry
    .command('import')
    .description('GİB kayıtlı kullanıcı listesi XML dosyasını yerel önbelleğe alır')
    .requiredOption('--file <file.xml>', 'GİB UserList dosyası')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = registry.commands[0]!.opts<{ file: string }>();
        const r = await api['registry.import']({ file: o.file });
        printResult(out, r, () => `${r.users} kayıtlı kullanıcı alındı (${r.source}).`);
      }),
    );
  registry
    .command('sync')
    .description('kayıtlı kullanıcı listesini entegratörden (kayitliKullaniciListeleExtended) indirip önbelleği yeniler')
    .requiredOption('--integrator <url>', 'entegratör: production (canlı), test veya bir adres (sandbox: http://127.0.0.1:8480)')
    .requiredOption('--user <user>', 'entegratör web servis kullanıcısı')
    .requiredOption('--password-env <VAR>', 'şifreyi içeren ortam değişkeninin adı (şifre komut satırına yazılmaz)')
    .option('--vkn <vkn>', 'şirketin VKN/TCKN’si: listedeki kendi posta kutularını da gösterir')
    .option('--erp-code <code>', 'QNB’nin verdiği ERP kodu (erpKodu)')
    .option('--max-drop <oran>', 'önbellekteki mükelleflerin en çok bu oranı silinebilir (0–1, varsayılan 0.1); fazlası eksik indirme sayılır ve reddedilir')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ integrator: string; user: string; passwordEnv: string; vkn?: string; erpCode?: string; maxDrop?: string }>();
        const maxDrop = o.maxDrop === undefined ? undefined : Number(o.maxDrop);
        const r = await api['registry.sync']({
          ...integratorOptions(o),
          ...(o.vkn ? { vkn: o.vkn } : {}),
          ...(maxDrop !== undefined ? { maxDropShare: maxDrop } : {}),
        });
        printResult(out, r, () =>
          [
            `Kayıtlı kullanıcı listesi yenilendi: ${r.after} mükellef, ${r.aliases} posta kutusu (önceki ${r.before}, listeden çıkan ${r.dropped}); ${(r.timings.totalMs / 1000).toFixed(1)} sn`,
            ...(r.ownAliases ? [`Şirketin posta kutuları: ${r.ownAliases.join(', ') || '(listede yok)'}`] : []),
          ].join('\n'),
        );
      }),
    );
  registry
    .command('status')
    .description('kayıtlı kullanıcı listesinin son yenilenmesi')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out) => {
        const r = await api['registry.status']({});
        printResult(out, r, () =>
          [
            `Son başarılı yenileme: ${r.syncedAt ?? 'hiç'} (${r.users} mükellef, kaynak ${r.source ?? '-'})`,
            ...(r.attemptedAt ? [`Son deneme: ${r.attemptedAt} → ${r.outcome}${r.message ? `: ${r.message}` : ''}`] : []),
          ].join('\n'),
        );
      }),
    );
  registry
    .command('choose-alias')
    .description('birden fazla posta kutusu olan müşteri için gönderilecek etiketi seçer')
    .requiredOption('--identifier <vkn>', 'müşterinin VKN/TCKN’si')
    .requiredOption('--alias <urn>', 'posta kutusu etiketi')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ identifier: string; alias: string }>();
        const r = await api['registry.chooseAlias']({ identifier: o.identifier, alias: o.alias, actor: os.userInfo().username });
        printResult(out, r, () => `${r.identifier} için ${r.alias} seçildi.`);
      }),
    );

  const gib = program.command('gib').description('GİB’in UBL-TR ve e-Fatura paketleri (XSD ve şematron)');
  gib
    .command('install')
    .description('GİB’in resmî UBL-TR ve e-Fatura paketlerini (zip) Konnektör’ün veri klasörüne kurar; her zip’in SHA-256 özetini yazar')
    .option('--from <sources...>', 'zip dosyaları veya https adresleri (varsayılan: GİB’in yayımladığı paketler)')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ from?: string[] }>();
        const r = await api['gib.install']({ ...(o.from ? { sources: o.from } : {}) });
        printResult(out, r, () =>
          [
            table(['Kaynak', 'Paket', 'SHA-256', 'Boyut', 'Dosya'], r.sources.map((s) => [s.source, s.kinds.join(', '), s.sha256, `${Math.round(s.bytes / 1024)} KB`, s.files])),
            `GİB paketi kuruldu: ${r.dir} (şematron sürümü ${r.release}). Konnektör önce bu klasöre bakar.`,
          ].join('\n'),
        );
      }),
    );

  const incoming = program.command('incoming').description('gelen belgeler (gelen e-Fatura, gelen e-İrsaliye): al, listele, göster, yanıtla');
  const accessOptions = (cmd: Command) =>
    cmd
      .requiredOption('--integrator <url>', 'entegratör: production (canlı), test veya bir adres (sandbox: http://127.0.0.1:8480)')
      .requiredOption('--user <user>', 'entegratör web servis kullanıcısı')
      .requiredOption('--password-env <VAR>', 'şifreyi içeren ortam değişkeninin adı (şifre komut satırına yazılmaz)')
      .option('--erp-code <code>', 'QNB’nin verdiği ERP kodu (erpKodu)');
  /** With --database: the accounting database whose helper table KNK_GELEN_BELGE receives the documents. */
  const helperTableOptions = (cmd: Command) =>
    cmd
      .option('--connector <id>', 'KNK_GELEN_BELGE için muhasebe programı: logo | netsis | mikro | eta', 'logo')
      .option('--server <url>', 'muhasebe sunucusu (şifre yazılmaz: --erp-password-env)')
      .option('--erp-password-env <VAR>', 'veri tabanı şifresini içeren ortam değişkeninin adı')
      .option('--database <name>', 'belgeler bu veri tabanının KNK_GELEN_BELGE tablosuna da yazılır')
      .option('--firm <code>', 'firma kodu, 3 hane (2 → 002)')
      .option('--period <code>', 'dönem kodu, 2 hane (1 → 01)');
  const helperTarget = (o: { connector?: string; server?: string; erpPasswordEnv?: string; database?: string; firm?: string; period?: string }) => {
    if (!o.database) return {};
    const options = { connector: o.connector ?? 'logo', server: o.server ?? defaultServer(), database: o.database, ...(o.firm ? { firm: o.firm } : {}), ...(o.period ? { period: o.period } : {}), ...(o.erpPasswordEnv ? { erpPasswordEnv: o.erpPasswordEnv } : {}) };
    return { target: targetOf(options) };
  };
  /** The helper table's outcome after the documents are safe locally: a failure there is a target failure (exit 1). */
  const helperTableLine = (erp: { written: number; error?: { code: string; message: string } } | undefined): string => {
    if (!erp) return '';
    if (erp.error) {
      return `\nKNK_GELEN_BELGE yazılamadı: ${erp.error.message} [${erp.error.code}]`;
    }
    return `\nKNK_GELEN_BELGE: ${erp.written} satır yazıldı`;
  };
  accessOptions(
    helperTableOptions(incoming
      .command('fetch'))
      .description('entegratördeki yeni gelen belgeleri (UBL) alır, yerel depoya kaydeder ve alındı olarak işaretler')
      .requiredOption('--module <module>', 'efatura')
      .option('--vkn <vkn>', 'şirketin VKN/TCKN’si (birden fazla şirket varsa)')
      .option('--json', 'JSON çıktı'),
  ).action(
    run(async (out, cmd) => {
      const o = cmd.opts<{ module: string; vkn?: string; integrator: string; user: string; passwordEnv: string; erpCode?: string; connector?: string; server?: string; erpPasswordEnv?: string; database?: string; firm?: string; period?: string }>();
      const r = await api['incoming.fetch']({ module: o.module, ...integratorOptions(o), ...(o.vkn ? { vkn: o.vkn } : {}), ...helperTarget(o) });
      printResult(out, r, () => `${r.companyVkn}: ${r.stored} yeni belge (${r.invalid} hatalı), ${r.duplicates} tekrar, ${r.acknowledged} alındı bildirimi; imleç ${r.cursor}${helperTableLine(r.erp)}`);
      if (r.erp?.error) setExit(1);
    }),
  );
  // Receipts (e-MM, e-SMM) after delivery: cancel within the legal window, undo before GİB's report, report status.
  const receiptCommand = (name: string, description: string, method: 'documents.cancel' | 'documents.undoCancel' | 'documents.reportStatus') =>
    accessOptions(program.command(name).description(description).requiredOption('--ettn <ettn>', 'makbuzun ETTN’si').option('--json', 'JSON çıktı')).action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ ettn: string; integrator: string; user: string; passwordEnv: string; erpCode?: string }>();
        const r = await api[method]({ ettn: o.ettn, ...integratorOptions(o) });
        printResult(out, r, () => {
          const head = `${r.number ?? r.ettn}: ${r.state}`;
          if (!('reported' in r) && !('cancellableUntil' in r)) return 'detail' in r && r.detail ? `${head} (${r.detail})` : head;
          const report = 'reported' in r ? (r.reported ? 'GİB’e raporlandı' : 'henüz raporlanmadı') : 'entegratörde bulunamadı';
          const cancel = 'cancellationReported' in r ? `; iptal ${r.cancellationReported ? 'raporlandı' : 'henüz raporlanmadı'}` : '';
          const until = 'cancellableUntil' in r && r.cancellableUntil ? `; ${r.cancellableUntil} tarihine kadar iptal edilebilir` : '';
          return `${head}; ${report}${cancel}${until}`;
        });
      }),
    );
  receiptCommand('cancel', 'iletilmiş bir e-MM/e-SMM makbuzunu yasal süre içinde iptal eder', 'documents.cancel');
  receiptCommand('undo-cancel', 'GİB’e raporlanmamış bir makbuz iptalini geri alır', 'documents.undoCancel');
  receiptCommand('report-status', 'makbuzun (ve iptalinin) entegratör tarafından GİB’e raporlanıp raporlanmadığını gösterir', 'documents.reportStatus');
  // e-Arşiv after delivery: cancel with a reason (never once the invoice is in a GİB report), undo, report status.
  const earsiv = program.command('earsiv').description('e-Arşiv faturaları: iptal, iptalin geri alınması, GİB rapor durumu');
  const earsivReport = (r: { ettn: string; number?: string; state: string; reported?: boolean; cancellationReported?: boolean; cancellableUntil?: string }) => {
    const report = r.reported === undefined ? 'entegratörde bulunamadı' : r.reported ? 'GİB’e gönderilen rapora girdi' : 'henüz rapora girmedi';
    const cancel = r.cancellationReported !== undefined ? `; iptal ${r.cancellationReported ? 'raporlandı' : 'henüz raporlanmadı'}` : '';
    const until = r.cancellableUntil ? `; ${r.cancellableUntil} tarihine kadar iptal edilebilir` : '';
    return `${r.number ?? r.ettn}: ${r.state}; ${report}${cancel}${until}`;
  };
  accessOptions(
    earsiv
      .command('cancel')
      .description('iletilmiş bir e-Arşiv faturasını iptal eder (faturaIptalEt); neden kaydedilir, GİB raporuna girmiş fatura iptal edilmez')
      .requiredOption('--ettn <ettn>', 'faturanın ETTN’si')
      .option('--reason <text>', 'iptal nedeni (zorunlu; belgenin geçmişine kaydedilir)')
      .option('--connector <id>', 'iptali geri yazmak için muhasebe programı: logo | netsis | mikro | eta')
      .option('--server <url>', 'iptali geri yazmak için veri tabanı sunucusu (şifre: --erp-password-env)')
      .option('--erp-password-env <VAR>', 'veri tabanı şifresini içeren ortam değişkeninin adı')
      .option('--database <name>', 'veri tabanı adı')
      .option('--firm <code>', 'firma kodu, 3 hane (2 → 002)')
      .option('--period <code>', 'dönem kodu, 2 hane (1 → 01)')
      .option('--fiscal-year <year>', 'mali yıl (Mikro)')
      .option('--json', 'JSON çıktı'),
  ).action(
    run(async (out, cmd) => {
      const o = cmd.opts<TargetOptions & { ettn: string; reason?: string; integrator: string; user: string; passwordEnv: string; erpCode?: string }>();
      const target = o.server ? { target: targetOf({ ...o, connector: o.connector ?? 'logo' }, cmd) } : {};
      const r = await api['documents.cancel']({ ettn: o.ettn, reason: o.reason ?? '', ...target, ...integratorOptions(o) });
      printResult(out, r, () => {
        const back = r.writtenBack !== undefined ? `; muhasebe programına geri yazıldı (${r.writtenBack})` : '; muhasebe programına bir sonraki gönderimde geri yazılacak';
        return `${r.number ?? r.ettn}: iptal edildi${r.detail ? ` (${r.detail})` : ''}; neden: ${r.reason ?? ''}${back}`;
      });
    }),
  );
  accessOptions(earsiv.command('undo-cancel').description('GİB raporuna girmemiş bir e-Arşiv iptalini geri alır').requiredOption('--ettn <ettn>', 'faturanın ETTN’si').option('--json', 'JSON çıktı')).action(
    run(async (out, cmd) => {
      const o = cmd.opts<{ ettn: string; integrator: string; user: string; passwordEnv: string; erpCode?: string }>();
      const r = await api['documents.undoCancel']({ ettn: o.ettn, ...integratorOptions(o) });
      printResult(out, r, () => `${r.number ?? r.ettn}: ${r.state}`);
    }),
  );
  accessOptions(
    earsiv.command('report-status').description('faturanın (ve iptalinin) GİB’e gönderilen e-Arşiv raporuna girip girmediği (rapordaFaturaSorgula)').requiredOption('--ettn <ettn>', 'faturanın ETTN’si').option('--json', 'JSON çıktı'),
  ).action(
    run(async (out, cmd) => {
      const o = cmd.opts<{ ettn: string; integrator: string; user: string; passwordEnv: string; erpCode?: string }>();
      const r = await api['documents.reportStatus']({ ettn: o.ettn, ...integratorOptions(o) });
      printResult(out, r, () => earsivReport(r));
    }),
  );
  incoming
    .command('list')
    .description('gelen belgeler: ETTN, numara, gönderen, senaryo, tarih, tutar, durum, yanıt ve son yanıt günü')
    .requiredOption('--module <module>', 'efatura')
    .option('--vkn <vkn>', 'yalnızca bu şirketin belgeleri')
    .option('--from <date>', 'belge tarihi başlangıcı YYYY-AA-GG')
    .option('--to <date>', 'belge tarihi bitişi YYYY-AA-GG')
    .option('--sender <vkn|ad>', 'gönderen VKN’si veya adının bir parçası')
    .option('--state <state>', 'received | invalid | answering | answered')
    .option('--due <gün>', 'yanıt süresi bu kadar gün içinde dolanlar')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ module: string; vkn?: string; from?: string; to?: string; sender?: string; state?: string; due?: string }>();
        const rows = await api['incoming.list']({
          module: o.module,
          ...(o.vkn ? { vkn: o.vkn } : {}),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          ...(o.sender ? { sender: o.sender } : {}),
          ...(o.state ? { state: o.state as 'received' } : {}),
          ...(o.due !== undefined ? { dueWithinDays: Number(o.due) } : {}),
        });
        printResult(out, rows, () =>
          rows.length === 0
            ? 'Gelen belge yok.'
            : table(
                ['ETTN', 'Numara', 'Gönderen', 'Senaryo', 'Tarih', 'Ödenecek', 'Durum', 'Yanıt', 'Son yanıt'],
                rows.map((r) => [r.ettn, r.number ?? '', `${r.senderName ?? ''} ${r.senderVkn ?? ''}`.trim(), r.profile ?? '', r.issueDate ?? '', r.payable ? `${r.payable} ${r.currency ?? ''}` : '', r.state, r.answer ?? '', r.answerDeadline?.slice(0, 16).replace('T', ' ') ?? '']),
              ),
        );
      }),
    );
  incoming
    .command('show')
    .description('bir gelen belgenin özeti; --xml ile özgün XML dosyasını yazar')
    .requiredOption('--module <module>', 'efatura')
    .requiredOption('--ettn <ettn>', 'belgenin ETTN’si')
    .option('--xml <file>', 'özgün XML’in yazılacağı dosya')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ module: string; ettn: string; xml?: string }>();
        const r = await api['incoming.show']({ module: o.module, ettn: o.ettn });
        if (o.xml) writeOutputFile(o.xml, r.xml);
        const { xml: _xml, answerXml: _answer, ...summary } = r;
        printResult(out, summary, () =>
          [
            `${r.number ?? '-'} (${r.profile ?? '-'}) ${r.senderName ?? ''} ${r.senderVkn ?? ''}: ${r.payable ?? ''} ${r.currency ?? ''}; durum ${r.state}${r.answer ? `, yanıt ${r.answer}` : ''}`,
            ...(r.answerDeadline ? [`Son yanıt: ${r.answerDeadline}`] : []),
            ...r.problems.map((p) => `  ✗ [${p.source}] ${p.rule}: ${p.message}`),
          ].join('\n'),
        );
      }),
    );
  accessOptions(
    helperTableOptions(incoming
      .command('answer'))
      .description('yanıt gönderir: TICARIFATURA faturasına KABUL/RED (UYGULAMA_YANITI_UBL); gelen irsaliyeye irsaliye yanıtı (IRSALIYE_YANITI_UBL): --kabul ya da satır satır --line')
      .requiredOption('--ettn <ettn>', 'yanıtlanacak belgenin ETTN’si')
      .option('--module <module>', 'efatura | eirsaliye', 'efatura')
      .option('--kabul', 'belgeyi kabul et (irsaliye: tamamı teslim alındı)')
      .option('--red', 'faturayı reddet (--reason gerekli)')
      .option('--reason <metin>', 'red gerekçesi (irsaliye yanıtında: yanıtın notu)')
      .option('--line <N:alan=miktar,...>', 'irsaliye satırının yanıtı, tekrarlanabilir: received=, short=, rejected=, oversupply=, reason= (en sonda), ör. 2:rejected=3,reason=Hasarlı', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--gecikme <metin>', 'irsaliye yanıtında geç teslim notu')
      .option('--json', 'JSON çıktı'),
  ).action(
    run(async (out, cmd) => {
      const o = cmd.opts<{ module: string; ettn: string; kabul?: boolean; red?: boolean; reason?: string; line: string[]; gecikme?: string; integrator: string; user: string; passwordEnv: string; erpCode?: string; connector?: string; server?: string; erpPasswordEnv?: string; database?: string; firm?: string; period?: string }>();
      const lines = o.line.map(parseReceiptLineOption);
      if ([Boolean(o.kabul), Boolean(o.red), lines.length > 0].filter(Boolean).length !== 1) {
        throw new KonnektorError('INPUT_INVALID', 'Give exactly one of --kabul, --red and --line', { value: '--kabul | --red | --line' });
      }
      const r = await api['incoming.answer']({
        module: o.module,
        ettn: o.ettn,
        answer: o.kabul ? 'KABUL' : o.red ? 'RED' : 'KISMI',
        ...(o.reason !== undefined ? { reason: o.reason } : {}),
        ...(lines.length > 0 ? { lines } : {}),
        ...(o.gecikme !== undefined ? { lateDelivery: o.gecikme } : {}),
        actor: os.userInfo().username,
        ...integratorOptions(o),
        ...helperTarget(o),
      });
      printResult(out, r, () => `${r.ettn}: ${r.answer} yanıtı gönderildi (yanıt ${r.answerNumber}, ETTN ${r.answerEttn}, belgeOid ${r.belgeOid})${helperTableLine(r.erp)}`);
      if (r.erp?.error) setExit(1);
    }),
  );

  program
    .command('start')
    .description('Konnektör’ü başlatır: Electron varsa masaüstü uygulaması, yoksa tarayıcı modu (ayar yoksa örnek veriler ve sandbox ile)')
    .option('--browser', 'Electron kurulu olsa da tarayıcı modunda başlat')
    .option('--port <n>', 'tarayıcı modunun portu (varsayılan: boş bir port)')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ browser?: boolean; port?: string }>();
        await runStart({ home: konnektorHome(), out, ...(o.browser ? { mode: 'browser' as const } : {}), ...(o.port ? { port: Number(o.port) } : {}) });
      }),
    );

  registerYearEndCommands(program, api, setExit);
  registerEdefterCommands(program, api, setExit, { withTarget: (cmd) => withTarget(cmd), targetOf: (o) => targetOf(o as unknown as TargetOptions) });
  return program;
}

/**
 * One `--line N:received=Q,short=S,rejected=R,oversupply=O,reason=…` of a despatch answer. The reason comes last and
 * keeps its commas.
 */
export function parseReceiptLineOption(spec: string): { lineId: string; received?: string; short?: string; rejected?: string; oversupply?: string; rejectReason?: string } {
  const bad = (why: string) => new KonnektorError('INPUT_INVALID', `--line ${spec}: ${why} (e.g. 2:rejected=3,reason=Hasarlı)`, { value: spec });
  const m = /^\s*([0-9]+)\s*:(.*)$/s.exec(spec);
  if (!m) throw bad('expected the line number, a colon and the quantities');
  const out: { lineId: string; received?: string; short?: string; rejected?: string; oversupply?: string; rejectReason?: string } = { lineId: m[1]! };
  let rest = m[2]!;
  const at = rest.search(/(^|,)\s*reason=/);
  if (at >= 0) {
    out.rejectReason = rest.slice(rest.indexOf('reason=', at) + 'reason='.length).trim();
    rest = rest.slice(0, at);
  }
  for (const part of rest.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value] = part.split('=').map((x) => x.trim());
    if (!value || !['received', 'short', 'rejected', 'oversupply'].includes(key!)) throw bad(`unknown or empty field ${part}`);
    out[key as 'received' | 'short' | 'rejected' | 'oversupply'] = value;
  }
  if (Object.keys(out).length === 1) throw bad('no quantities');
  return out;
}

let progressShown = false;
/** A one-line progress bar on stderr while documents are being sent. */
function drawProgress(done: number, total: number): void {
  if (!process.stderr.isTTY || total === 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
  progressShown = true;
}
function progressDone(): void {
  if (progressShown) process.stderr.write('\n');
  progressShown = false;
}

export async function main(argv: string[]): Promise<number> {
  if (!process.env.KONNEKTOR_LOG_LEVEL) logger.level = 'error';
  const connections = new ErpConnections();
  let store: Promise<LocalStore> | undefined;
  const openStore = () => {
    if (!store) {
      store = openHomeStore(konnektorHome());
    }
    return store;
  };
  const api = createKonnektorApi({ ...SHIPPED,
    connections,
    store: openStore,
    settings: { dataDir: konnektorHome(), ...(process.env.KONNEKTOR_GIB_PACKAGE ? { gibPackage: process.env.KONNEKTOR_GIB_PACKAGE } : {}) },
    localActor: { user: os.userInfo().username, staff: false },
    onSendEvent: (e) => {
      if (e.type === 'progress') drawProgress(e.done, e.total);
    },
  });
  let exitCode = 0;
  const program = buildProgram(api, (c) => (exitCode = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      exitCode = e.exitCode === 0 ? 0 : 2;
    } else {
      exitCode = reportError({ json: argv.includes('--json') }, e);
    }
  } finally {
    await connections.closeAll();
    if (store) await (await store.catch(() => undefined))?.destroy();
    await api.close();
  }
  return exitCode;
}
