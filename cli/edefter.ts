import fs from 'node:fs';
import type { Command } from 'commander';
import type { KonnektorApi } from '../core/api';
import type { MonthView } from '../core/api/edefter';
import { formatTrAmount } from '../core/edefter/checks';
import { KonnektorError } from '../core/errors';
import { commandAction, printResult, table } from './output';

/**
 * `konnektor edefter …`: the e-Defter month from the command line — settings, checks, building, sealing with the mali
 * mühür, sending through eFinans, status. The PIN is read from an environment variable (or the demo's token file),
 * never from the command line.
 */
export interface TargetHelpers {
  withTarget(cmd: Command): Command;
  targetOf(o: Record<string, unknown>): { connector: string; server: string; database?: string; firm?: string; period?: string; branch?: string };
}

const STATE_TR: Record<string, string> = {
  read: 'okundu (kontrol hatalı)',
  checked: 'kontrol edildi',
  uploaded: 'yüklendi',
  built: 'defter oluşturuldu (mühür bekliyor)',
  signed: 'mühürlendi',
  submitted: 'GİB’e gönderildi',
  approved: 'GİB onaylı',
  rejected: 'GİB reddetti',
};

const trDate = (d: string) => (/^\d{4}-\d{2}-\d{2}/.test(d) ? `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}` : d);

function monthText(m: MonthView): string {
  const lines = [`${m.month} ${m.companyVkn}${m.branch ? ` şube ${m.branch}` : ''}: ${STATE_TR[m.state] ?? m.state} — berat son günü ${trDate(m.deadline)}`];
  if (m.checks) {
    lines.push(`  ${m.checks.entries} fiş, ${m.checks.lines} satır, borç ${formatTrAmount(m.checks.debitKurus)}, alacak ${formatTrAmount(m.checks.creditKurus)}${m.checks.firstJournalNo ? `, madde ${m.checks.firstJournalNo}–${m.checks.lastJournalNo}` : ''}`);
    for (const i of m.checks.issues) lines.push(`  ✗ ${i.code}: ${i.message}`);
    if (m.checks.moreIssues > 0) lines.push(`  … ve ${m.checks.moreIssues} bulgu daha`);
  }
  if (m.integratorMessage) lines.push(`  eFinans ${m.integratorCode ?? ''}: ${m.integratorMessage}`);
  if (m.gibReason) lines.push(`  GİB red nedeni: ${m.gibReason}`);
  return lines.join('\n');
}

interface TokenOptions {
  pkcs11Module?: string;
  slot?: string;
  pinEnv?: string;
  certificate?: string;
  tokenFile?: string;
}

/** The token to seal with: --pkcs11-module/--slot/--pin-env, or the demo's edefter-token.json. */
function tokenOf(o: TokenOptions): { module: string; slot: number; pin: string; certificateId?: string } | undefined {
  if (o.tokenFile) {
    const t = JSON.parse(fs.readFileSync(o.tokenFile, 'utf8')) as { module: string; slot: number; pin: string; softhsm2Conf?: string };
    if (t.softhsm2Conf) process.env.SOFTHSM2_CONF = t.softhsm2Conf;
    return { module: t.module, slot: t.slot, pin: o.pinEnv ? (process.env[o.pinEnv] ?? '') : t.pin, ...(o.certificate ? { certificateId: o.certificate } : {}) };
  }
  if (!o.pkcs11Module) return undefined;
  if (!o.pinEnv) throw new KonnektorError('SIGN_PIN_REQUIRED', '--pin-env VAR is required with --pkcs11-module');
  const pin = process.env[o.pinEnv];
  if (!pin) throw new KonnektorError('SIGN_PIN_REQUIRED', `environment variable ${o.pinEnv} is empty`, { value: o.pinEnv });
  return { module: o.pkcs11Module, slot: Number(o.slot ?? '0'), pin, ...(o.certificate ? { certificateId: o.certificate } : {}) };
}

function withToken(cmd: Command): Command {
  return cmd
    .option('--pkcs11-module <path>', 'mali mühür cihazının PKCS#11 sürücüsü (ör. /usr/lib/x86_64-linux-gnu/libakisp11.so, C:\\Windows\\System32\\akisp11.dll)')
    .option('--slot <n>', 'cihaz yuvası (0, 1, …)', '0')
    .option('--pin-env <VAR>', 'PIN’i içeren ortam değişkeninin adı (PIN komut satırına yazılmaz)')
    .option('--certificate <id>', 'kullanılacak sertifikanın kimliği (CKA_ID, onaltılık)')
    .option('--token-file <file>', 'örnek verilerdeki edefter-token.json (SoftHSM2 deneme mühürü)');
}

export function registerEdefterCommands(program: Command, api: KonnektorApi, setExit: (code: number) => void, h: TargetHelpers): void {
  const run = commandAction(setExit);
  const edefter = program.command('edefter').description('e-Defter: yevmiye kontrolü, defter oluşturma, mali mühür, eFinans üzerinden GİB’e gönderim');
  const monthCmd = (name: string, description: string) =>
    h.withTarget(edefter.command(name).description(description)).requiredOption('--month <YYYY-MM>', 'defter dönemi (ay)').requiredOption('--company <vkn>', 'firmanın VKN/TCKN’si');
  const refOf = (o: Record<string, unknown>) => ({
    target: h.targetOf(o),
    vkn: String(o.company),
    month: String(o.month),
    ...(o.branch ? { branch: String(o.branch) } : {}),
  });

  edefter
    .command('settings')
    .description('Firma / Sözleşme / Şube Ayarları: gösterir, ya da --file ile kaydeder')
    .option('--company <vkn>', 'firmanın VKN/TCKN’si')
    .option('--file <settings.json>', 'kaydedilecek ayarlar (JSON)')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ company?: string; file?: string }>();
        if (o.file) {
          const settings = JSON.parse(fs.readFileSync(o.file, 'utf8')) as unknown;
          const saved = await api['edefter.settings.save']({ settings: settings as never });
          printResult(out, saved, () => `Kaydedildi: ${saved.firm.title} (${saved.firm.taxId}), hesap dönemi ${trDate(saved.firm.fiscalYearStart)}–${trDate(saved.firm.fiscalYearEnd)}, ${saved.contracts.length} sözleşme, ${saved.branches.length} şube`);
          return;
        }
        if (!o.company) throw new KonnektorError('INPUT_INVALID', '--company or --file is required', { fields: ['company'] });
        const s = await api['edefter.settings.get']({ vkn: o.company });
        printResult(out, s, () =>
          s
            ? [
                `Firma Ayarları: ${s.firm.title} (${s.firm.taxId}), NACE ${s.firm.nace}, hesap dönemi ${trDate(s.firm.fiscalYearStart)}–${trDate(s.firm.fiscalYearEnd)}, ilk geçiş ${trDate(s.firm.firstTransitionDate)}, kuruluş ${trDate(s.firm.foundationDate)}`,
                `  ${s.firm.address.street} No ${s.firm.address.buildingNumber} ${s.firm.address.postalCode} ${s.firm.address.city} / ${s.firm.address.country} — ${s.firm.phone}, ${s.firm.email}, ${s.firm.webSite}`,
                table(['Sözleşme', 'Unvan', 'Adı Soyadı', 'Tarih', 'No', 'Çeşidi', 'Açıklama'], s.contracts.map((c) => [c.kind, c.title, c.name, c.date, c.number, c.type, c.description])),
                s.branches.length ? table(['Şube Kodu', 'Şube Adı'], s.branches.map((b) => [b.code, b.name])) : 'Şube yok (şubesiz defter).',
              ].join('\n')
            : 'Bu firma için e-Defter ayarı yok.',
        );
      }),
    );

  edefter
    .command('months')
    .description('ayların durumu, kontrolleri ve berat son günleri')
    .option('--company <vkn>', 'yalnızca bu firma')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ company?: string }>();
        const months = await api['edefter.months']({ ...(o.company ? { vkn: o.company } : {}) });
        printResult(out, months, () =>
          months.length === 0
            ? 'Henüz e-Defter ayı yok.'
            : table(['Ay', 'Firma', 'Şube', 'Durum', 'Fiş', 'Bulgu', 'Berat son günü'], months.map((m) => [m.month, m.companyVkn, m.branch, STATE_TR[m.state] ?? m.state, m.checks?.entries ?? '', (m.checks?.issues.length ?? 0) + (m.checks?.moreIssues ?? 0), trDate(m.deadline)])),
        );
      }),
    );

  monthCmd('check', 'ayın yevmiye kayıtlarını okur ve e-Defter kontrollerinden geçirir').action(
    run(async (out, cmd) => {
      const m = await api['edefter.check'](refOf(cmd.opts()));
      printResult(out, m, () => monthText(m));
      if (m.state === 'read') setExit(1);
    }),
  );

  monthCmd('build', 'GİB XBRL-GL yevmiye ve kebir parçalarını ile eFinans CSV parçalarını yazar, GİB şematronlarıyla denetler')
    .option('--out <dir>', 'dosyaların yazılacağı klasör')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ out?: string }>();
        const r = await api['edefter.build']({ ...refOf(cmd.opts()), ...(o.out ? { outDir: o.out } : {}) });
        printResult(out, r, () =>
          [
            `Klasör: ${r.folder}`,
            table(['Parça', 'Yevmiye', 'Kebir', 'Dönem', 'Fiş', 'Satır'], r.parts.map((p) => [p.part, p.y, p.k, `${trDate(p.periodStart)}–${trDate(p.periodEnd)}`, p.entries, p.lines])),
            `eFinans CSV: ${r.csv.map((c) => `${c.name} (${c.lines} satır)`).join(', ')}`,
            `GİB şematron: ${r.schematron.map((s) => `${s.file} ${s.skipped ? 'büyük parça, akışla denetlendi' : s.issues.length === 0 ? 'geçti' : `${s.issues.length} hata`}`).join('; ')}`,
          ].join('\n'),
        );
      }),
    );

  withToken(monthCmd('sign', 'eFinans’ın oluşturduğu defteri ve beratlarını mali mühürle mühürler')).action(
    run(async (out, cmd) => {
      const token = tokenOf(cmd.opts<TokenOptions>());
      if (!token) throw new KonnektorError('SIGN_MODULE_LOAD_FAILED', '--pkcs11-module (or --token-file) is required to sign');
      const m = await api['edefter.sign']({ ...refOf(cmd.opts()), token });
      printResult(out, m, () => monthText(m));
    }),
  );

  withToken(monthCmd('send', 'ayı eFinans’a gönderir ve GİB onayına kadar izler (mühür bilgisi verilirse mühürler)'))
    .requiredOption('--integrator <url>', 'entegratör: test veya bir adres (sandbox: http://127.0.0.1:8480)')
    .requiredOption('--user <user>', 'entegratör web servis kullanıcısı')
    .requiredOption('--password-env <VAR>', 'şifreyi içeren ortam değişkeninin adı')
    .option('--poll-sec <s>', 'durum sorguları arası saniye', '5')
    .option('--max-polls <n>', 'bu çalıştırmada en çok bu kadar durum sorgusu', '120')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<TokenOptions & { integrator: string; user: string; passwordEnv: string; pollSec: string; maxPolls: string }>();
        const password = process.env[o.passwordEnv];
        if (!password) throw new KonnektorError('INPUT_INVALID', `Environment variable ${o.passwordEnv} is empty`, { value: o.passwordEnv });
        const token = tokenOf(o);
        const m = await api['edefter.send']({
          ...refOf(cmd.opts()),
          integrator: o.integrator,
          user: o.user,
          password,
          pollSec: Number(o.pollSec),
          maxPolls: Number(o.maxPolls),
          ...(token ? { token } : {}),
        });
        printResult(out, m, () => monthText(m));
        if (m.state === 'rejected' || m.state === 'read') setExit(1);
      }),
    );

  edefter
    .command('status')
    .description('ayın durumu ve geçmişi')
    .requiredOption('--month <YYYY-MM>', 'defter dönemi')
    .requiredOption('--company <vkn>', 'firmanın VKN/TCKN’si')
    .option('--branch <code>', 'şube kodu')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ month: string; company: string; branch?: string }>();
        const m = await api['edefter.status']({ vkn: o.company, month: o.month, ...(o.branch ? { branch: o.branch } : {}) });
        printResult(out, m, () => [monthText(m), ...(m.history ?? []).map((x) => `  ${x.at} ${x.from ?? '—'} → ${x.to}${x.detail ? `: ${x.detail}` : ''}`)].join('\n'));
      }),
    );

  edefter
    .command('tokens')
    .description('mali mühür cihazları')
    .requiredOption('--pkcs11-module <path>', 'PKCS#11 sürücüsü')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const t = await api['edefter.tokens']({ module: cmd.opts<{ pkcs11Module: string }>().pkcs11Module });
        printResult(out, t, () => table(['Yuva', 'Etiket', 'Üretici', 'Model', 'Seri'], t.map((x) => [x.index, x.label, x.manufacturer, x.model, x.serial])));
      }),
    );

  edefter
    .command('verify-last-yevmiye')
    .description('Yevmiye Numarası Doğrulama: önceki programın son imzalı yevmiye dosyasından numaraları devralır')
    .requiredOption('--company <vkn>', 'firmanın VKN/TCKN’si')
    .requiredOption('--file <yevmiye.xml>', 'son imzalı yevmiye defteri (Y) XML dosyası')
    .option('--branch <code>', 'şube kodu')
    .option('--json', 'JSON çıktı')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ company: string; file: string; branch?: string }>();
        const r = await api['edefter.verifyLastYevmiye']({ vkn: o.company, file: o.file, ...(o.branch ? { branch: o.branch } : {}) });
        printResult(out, r, () => `Doğrulandı (${r.signer}): ${r.uniqueID}, ${trDate(r.periodStart)}–${trDate(r.periodEnd)}; son madde ${r.lastJournalNo}, son satır ${r.lastLineNumber}. Sonraki defter ${r.lastJournalNo + 1}. maddeden başlar.`);
      }),
    );
}
