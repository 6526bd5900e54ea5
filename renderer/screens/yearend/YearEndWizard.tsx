import { useEffect, useState } from 'react';
import type { YearEndApplyResult, YearEndCheck, YearEndItem, YearEndPlan } from '../../../core/api/yearend';
import { MODULE_TITLES } from '../../../core/modules';
import { errorText, invoke } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useSession } from '../../store/session';
import { ModuleStep } from './ModuleStep';
import { YearEndDone } from './YearEndDone';
import { useYearEndT } from './messages';

export interface YearEndWizardProps {
  sessionId: string;
  onDone(): void;
  onCancel(): void;
  /** `change`: "İsteğe bağlı veri tabanı geçişi" from Bağlantı Ayarları — the logged-in module, no year check. */
  mode?: 'yearend' | 'change';
}

/**
 * The database update screen: one step per module that needs the new year, starting with the logged-in module,
 * then the company's other modules (unless the same choice was applied to them). Cancelling leaves every mapping
 * as it was.
 */
export function YearEndWizard({ sessionId, onDone, onCancel, mode = 'yearend' }: YearEndWizardProps) {
  const t = useYearEndT();
  const [check, setCheck] = useState<YearEndCheck & { module?: string; staff: boolean }>();
  const [queue, setQueue] = useState<YearEndItem[]>();
  const [done, setDone] = useState<{ result: YearEndApplyResult; plan: YearEndPlan }>();
  const [error, setError] = useState<{ code: string; message: string }>();

  useEffect(() => {
    let live = true;
    invoke('yearend.check', { sessionId }).then(
      (c) => {
        if (!live) return;
        const own = c.items.filter((i) => i.module === c.module);
        const rest = c.items.filter((i) => i.module !== c.module && i.needed);
        const steps = mode === 'change' ? own : [...own.filter((i) => i.needed), ...rest];
        setCheck(c);
        setQueue(steps);
        if (steps.length === 0) onDone();
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
    // The check runs once per wizard; onDone is the caller's and may change identity on every render.
  }, [sessionId, mode]);

  const refreshSession = async () => {
    try {
      useSession.getState().setSession(await invoke('session.get', { sessionId }));
    } catch {
      // The document screen reloads the session itself when this fails.
    }
  };

  if (error) {
    return (
      <section className="yearend panel">
        <ErrorMessage error={error} />
        <div className="buttons">
          <button type="button" onClick={onCancel}>
            {t('cancel')}
          </button>
        </div>
      </section>
    );
  }
  if (!check || !queue) return <p className="panel">{t('loading')}</p>;
  const current = queue[0];

  if (done) {
    const applied = new Set(done.result.results.filter((r) => r.outcome === 'applied').map((r) => r.module));
    const remaining = queue.slice(1).filter((i) => !applied.has(i.module));
    return (
      <YearEndDone
        sessionId={sessionId}
        result={done.result}
        plan={done.plan}
        next={remaining[0] ? MODULE_TITLES[remaining[0].module] : undefined}
        onContinue={() => {
          setDone(undefined);
          setQueue(remaining);
          if (remaining.length === 0) onDone();
        }}
      />
    );
  }
  if (!current) return null;

  return (
    <div className="yearend" data-testid="yearend-wizard">
      {check.warnings.map((w, i) => (
        <p key={i} className="notice panel-notice" role="status" data-code={w.code}>
          ⚠ {w.message}
        </p>
      ))}
      <ModuleStep
        key={current.module}
        sessionId={sessionId}
        item={current}
        mode={mode}
        staff={check.staff}
        others={mode === 'yearend' ? queue.slice(1) : []}
        onApplied={(result, plan) => {
          void refreshSession();
          setDone({ result, plan });
        }}
        onCancel={onCancel}
      />
    </div>
  );
}
