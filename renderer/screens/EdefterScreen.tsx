import { useCallback, useEffect, useState } from 'react';
import { errorText, invoke, type Output } from '../api';
import { formatDate } from '../format';
import { ErrorMessage } from '../components/ErrorMessage';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../store/session';
import { EdefterSettings } from './EdefterSettings';

type Month = Output<'edefter.months'>[number];
type Certificate = Output<'edefter.certificates'>[number];

const trAmount = (kurus: number) => {
  const neg = kurus < 0;
  const abs = Math.abs(kurus);
  const lira = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${neg ? '-' : ''}${lira},${String(abs % 100).padStart(2, '0')} TL`;
};

/** The last finished month (a ledger never covers days still to come). */
function lastFinishedMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The mali mühür dialog: the token's PKCS#11 driver and slot, the PIN (kept only in this dialog while it is open,
 * never stored), and the certificate chosen with its owner and validity shown.
 */
function SealDialog({ onSeal, onCancel }: { onSeal: (token: { module: string; slot: number; pin: string; certificateId?: string }) => void; onCancel: () => void }) {
  const t = useT();
  const [module, setModule] = useState('');
  const [slot, setSlot] = useState('0');
  const [pin, setPin] = useState('');
  const [certs, setCerts] = useState<Certificate[]>();
  const [chosen, setChosen] = useState<string>();
  const [error, setError] = useState<{ code: string; message: string }>();
  const list = async () => {
    setError(undefined);
    try {
      const c = await invoke('edefter.certificates', { module, slot: Number(slot), pin });
      setCerts(c);
      setChosen(c.find((x) => x.maliMuhur)?.id ?? c[0]?.id);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <div className="dialog" role="dialog" aria-label={t('edefter.seal.title')} data-testid="edefter-seal-dialog">
      <h3>{t('edefter.seal.title')}</h3>
      <label>
        {t('edefter.seal.module')} <input value={module} onChange={(e) => setModule(e.target.value)} placeholder="C:\Windows\System32\akisp11.dll" />
      </label>
      <label>
        {t('edefter.seal.slot')} <input value={slot} onChange={(e) => setSlot(e.target.value)} inputMode="numeric" size={3} />
      </label>
      <label>
        PIN <input type="password" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} />
      </label>
      <button type="button" onClick={() => void list()} disabled={!module || !pin}>
        {t('edefter.seal.certificates')}
      </button>
      {certs ? (
        <table>
          <thead>
            <tr>
              <th />
              <th>{t('edefter.seal.owner')}</th>
              <th>{t('edefter.seal.issuer')}</th>
              <th>{t('edefter.seal.valid')}</th>
              <th>{t('edefter.seal.kind')}</th>
            </tr>
          </thead>
          <tbody>
            {certs.map((c) => (
              <tr key={c.id}>
                <td>
                  <input type="radio" name="cert" checked={chosen === c.id} onChange={() => setChosen(c.id)} />
                </td>
                <td>{c.owner}</td>
                <td>{c.issuer}</td>
                <td>
                  {formatDate(c.validFrom)} – {formatDate(c.validTo)}
                </td>
                <td>{c.maliMuhur ? t('edefter.seal.maliMuhur') : t('edefter.seal.notMaliMuhur')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <ErrorMessage error={error} />
      <button type="button" disabled={!chosen} onClick={() => onSeal({ module, slot: Number(slot), pin, ...(chosen ? { certificateId: chosen } : {}) })}>
        {t('edefter.seal.sign')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('edefter.cancel')}
      </button>
    </div>
  );
}

/** e-Defter: the company's months with their state, checks, files and deadlines; check, build and send a month. */
export function EdefterScreen() {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const [months, setMonths] = useState<Month[]>([]);
  const [month, setMonth] = useState(lastFinishedMonth());
  const [selected, setSelected] = useState<Month>();
  const [busy, setBusy] = useState(false);
  const [info, setInfo] = useState<string>();
  const [sealing, setSealing] = useState(false);
  const [showSettings, setShowSettings] = useState(false);
  const [error, setError] = useState<{ code: string; message: string }>();

  const reload = useCallback(async () => {
    const list = await invoke('edefter.months', { sessionId: session.id });
    setMonths(list);
    return list;
  }, [session.id]);
  useEffect(() => {
    reload().catch((e: unknown) => setError(errorText(e)));
  }, [reload]);

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    setInfo(undefined);
    try {
      await work();
      const list = await reload();
      setSelected(list.find((m) => m.month === month));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const state = (s: string) => t(`edefter.state.${s}` as MessageKey);

  return (
    <section className="edefter" data-testid="edefter-screen">
      <h2>
        {t('edefter.title')} — {session.companyVkn}
      </h2>
      <div className="toolbar">
        <label>
          {t('edefter.month')} <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="edefter-month" />
        </label>
        <button type="button" disabled={busy} onClick={() => void act(() => invoke('edefter.check', { sessionId: session.id, month }))}>
          {t('edefter.check')}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              const r = await invoke('edefter.build', { sessionId: session.id, month });
              setInfo(`${r.folder}: ${r.parts.map((p) => `${p.y}, ${p.k}`).join('; ')}; ${r.csv.map((c) => c.name).join(', ')}`);
            })
          }
        >
          {t('edefter.build')}
        </button>
        <button type="button" disabled={busy} onClick={() => void act(() => invoke('edefter.send', { sessionId: session.id, month }))}>
          {t('edefter.send')}
        </button>
        <button type="button" disabled={busy} onClick={() => setSealing(true)}>
          {t('edefter.seal')}
        </button>
        <button type="button" onClick={() => setShowSettings(!showSettings)}>
          {t('edefter.settings.open')}
        </button>
      </div>
      {showSettings && session.companyVkn ? <EdefterSettings vkn={session.companyVkn} /> : null}
      {sealing ? (
        <SealDialog
          onCancel={() => setSealing(false)}
          onSeal={(token) => {
            setSealing(false);
            void act(() => invoke('edefter.send', { sessionId: session.id, month, token }));
          }}
        />
      ) : null}
      <ErrorMessage error={error} />
      {info ? <p className="info">{info}</p> : null}
      <table data-testid="edefter-months">
        <thead>
          <tr>
            <th>{t('edefter.month')}</th>
            <th>{t('edefter.stateLabel')}</th>
            <th>{t('edefter.entries')}</th>
            <th>{t('edefter.findings')}</th>
            <th>{t('edefter.deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr key={`${m.branch}-${m.month}`} onClick={() => setSelected(m)} className={selected?.month === m.month ? 'selected' : ''}>
              <td>{m.month}</td>
              <td>{state(m.state)}</td>
              <td>{m.checks?.entries ?? ''}</td>
              <td>{(m.checks?.issues.length ?? 0) + (m.checks?.moreIssues ?? 0)}</td>
              <td>{formatDate(m.deadline)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected ? (
        <div className="month-detail" data-testid="edefter-month-detail">
          <h3>
            {selected.month}: {state(selected.state)}
          </h3>
          {selected.checks ? (
            <p>
              {selected.checks.entries} {t('edefter.entries')}, {selected.checks.lines} {t('edefter.lines')}, {t('edefter.debit')} {trAmount(selected.checks.debitKurus)},{' '}
              {t('edefter.credit')} {trAmount(selected.checks.creditKurus)}
            </p>
          ) : null}
          <ul>
            {(selected.checks?.issues ?? []).map((i, n) => (
              <li key={n} className="issue">
                {i.message}
              </li>
            ))}
          </ul>
          {selected.integratorMessage ? <p>eFinans: {selected.integratorMessage}</p> : null}
          {selected.gibReason ? <p className="issue">GİB: {selected.gibReason}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
