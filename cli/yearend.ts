import type { Command } from 'commander';
import type { KonnektorApi } from '../core/api';
import { MODULE_TITLES, type Module } from '../core/modules';
import type { YearEndReason } from '../core/yearend';
import { commandAction, printResult, table } from './output';

const REASONS: Record<YearEndReason, string> = {
  'period-ended': 'dönem bitti',
  'newer-period': 'yeni dönem açılmış',
  'newer-database': 'yeni yıl veri tabanı var',
  'year-ended': 'mali yıl bitti',
};

const title = (m: string) => MODULE_TITLES[m as Module] ?? m;

const targetText = (t: { database?: string; firm?: string; period?: string; fiscalYear?: number }) =>
  [t.database, t.firm && t.period ? `${t.firm}/${t.period}` : t.firm, t.fiscalYear].filter(Boolean).join(' ');

/**
 * `konnektor yearend check|apply`: the year-end wizard for administrators who script it. Acts as the local OS user
 * (ApiDeps.localActor), audited like the wizard.
 */
export function registerYearEndCommands(program: Command, api: KonnektorApi, setExit: (code: number) => void): void {
  const run = commandAction(setExit);

  const yearend = program.command('yearend').description('yeni mali yıl: modüllerin yeni dönem / veri tabanına geçişi');

  yearend
    .command('check')
    .description('hangi modüllerin ve firmaların yeni yıla geçmesi gerektiğini gösterir (hiçbir şeyi değiştirmez)')
    .option('--module <module>', 'yalnızca bu modül')
    .option('--company <vkn>', 'yalnızca bu firma (VKN/TCKN)')
    .option('--branch <code>', 'yalnızca bu şube')
    .option('--json', 'JSON çıktı (betikler için)')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ module?: string; company?: string; branch?: string }>();
        const check = await api['yearend.check']({
          ...(o.module ? { module: o.module } : {}),
          ...(o.company ? { companyVkn: o.company } : {}),
          ...(o.branch !== undefined ? { branch: o.branch } : {}),
        });
        printResult(out, check, () =>
          [
            `Bugün (Türkiye): ${check.today}`,
            table(
              ['Modül', 'VKN', 'Şube', 'Mali yıl', 'Mevcut', 'Güncelleme', 'Neden', 'Öneri'],
              check.items.map((i) => [
                title(i.module),
                i.companyVkn,
                i.branch,
                i.fiscalYear,
                targetText(i.current),
                i.needed ? 'gerekli' : '',
                [...i.reasons.map((r) => REASONS[r]), ...(i.error ? [i.error.message] : [])].join('; '),
                i.proposal ? `${i.proposal.label} → ${i.proposal.fiscalYear}` : '',
              ]),
            ),
            ...check.warnings.map((w) => `! ${w.message}`),
          ].join('\n'),
        );
      }),
    );

  yearend
    .command('apply')
    .description('modülü yeni yılın dönemine / veri tabanına geçirir: bağlantıyı sınar, yardımcı tabloları kurar, profili kaydeder')
    .requiredOption('--module <module>', 'efatura | earsiv | eirsaliye | edefter | esmm | emm')
    .option('--firm <code>', 'firma kodu, 3 hane (2 → 002); boşsa bağlantı ayarındaki')
    .option('--period <code>', 'dönem kodu, 2 hane (1 → 01); boşsa önerilen yeni dönem')
    .option('--database <name>', 'veri tabanı (Netsis, ETA: yeni yılın şirket veri tabanı; Mikro: şirket veri tabanı); boşsa önerilen')
    .option('--fiscal-year <year>', 'mali yıl (Mikro: yeni yıl aynı şirket veri tabanının içinde); boşsa önerilen')
    .option('--server <url>', 'sunucu; boşsa bağlantı ayarındaki')
    .option('--company <vkn>', 'modülde birden fazla firma varsa firmanın VKN/TCKN’si')
    .option('--branch <code>', 'şube')
    .option('--also <modules>', 'aynı seçimi bu modüllere de uygula (virgülle: earsiv,eirsaliye)')
    .option('--change', 'yıl sonu değil, yıl içinde isteğe bağlı veri tabanı geçişi (yıl denetimi yapılmaz)')
    .option('--dry-run', 'yalnızca planı gösterir, hiçbir şeyi değiştirmez')
    .option('--json', 'JSON çıktı (betikler için)')
    .action(
      run(async (out, cmd) => {
        const o = cmd.opts<{ module: string; firm?: string; period?: string; fiscalYear?: string; database?: string; server?: string; company?: string; branch?: string; also?: string; change?: boolean; dryRun?: boolean }>();
        const result = await api['yearend.apply']({
          module: o.module,
          target: {
            ...(o.server ? { server: o.server } : {}),
            ...(o.database ? { database: o.database } : {}),
            ...(o.firm ? { firm: o.firm } : {}),
            ...(o.period ? { period: o.period } : {}),
            ...(o.fiscalYear ? { fiscalYear: o.fiscalYear } : {}),
          },
          ...(o.company ? { companyVkn: o.company } : {}),
          ...(o.branch !== undefined ? { branch: o.branch } : {}),
          ...(o.also ? { alsoModules: o.also.split(',').map((m) => m.trim()).filter(Boolean) } : {}),
          ...(o.change ? { mode: 'change' as const } : {}),
          ...(o.dryRun ? { dryRun: true } : {}),
        });
        printResult(out, result, () =>
          [
            ...result.results.flatMap((r) => {
              if (r.outcome === 'failed') return [`✗ ${title(r.module)}: ${r.error?.code} ${r.error?.message}`];
              const p = r.plan!;
              return [
                `${r.outcome === 'applied' ? '✓' : '•'} ${title(r.module)}: ${targetText(p.from.target)} (${p.from.fiscalYear}) → ${targetText(p.to.target)} (${p.to.fiscalYear})${result.dryRun ? ' [deneme]' : ''}`,
                `    bağlantı: ${p.test.checks.map((c) => c.name).join(', ')} ✓`,
                p.steps.length > 0
                  ? `    yardımcı tablolar: ${p.steps.map((s) => `${s.name} (${s.description})`).join('; ')}${r.outcome === 'applied' ? ' kuruldu' : ' kurulacak'}`
                  : '    yardımcı tablolar zaten kurulu',
                ...p.warnings.filter((w) => w.code === 'YEAREND_TARGET_YEAR_DIFFERS').map((w) => `    ! ${w.message}`),
              ];
            }),
            ...result.warnings.map((w) => `! ${w.message}`),
          ].join('\n'),
        );
        if (result.results.some((r) => r.outcome === 'failed')) setExit(1);
      }),
    );
}
