import { useEffect, useState } from 'react';
import type { DocumentPreview, IncomingRow } from '../../core/api';
import { ERROR_CATALOG } from '../../core/errors';
import { errorText, invoke } from '../api';
import { DateField } from '../components/DateField';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatAmount, formatDate, formatDateTime } from '../format';
import { useT, type MessageKey } from '../i18n';
import { useIncoming, type IncomingFilters } from '../store/incoming';
import { useSession } from '../store/session';
import { download, PreviewDialog } from './DocumentsScreen';

/** How often the countdowns move on. */
const TICK_MS = 30_000;
const HOUR_MS = 3_600_000;

/** The time left to answer in the words of the screen: "5 gün 3 saat", "7 saat 20 dakika", "Süre doldu". */
export function countdown(deadline: string, now: number, t: (k: MessageKey) => string): { text: string; urgent: boolean; over: boolean } {
  const left = new Date(deadline).getTime() - now;
  if (left <= 0) return { text: t('incoming.expired'), urgent: true, over: true };
  const days = Math.floor(left / (24 * HOUR_MS));
  const hours = Math.floor((left % (24 * HOUR_MS)) / HOUR_MS);
  const minutes = Math.floor((left % HOUR_MS) / 60_000);
  const text = days > 0 ? `${days} ${t('incoming.days')} ${hours} ${t('incoming.hours')}` : `${hours} ${t('incoming.hours')} ${minutes} ${t('incoming.minutes')}`;
  return { text: `${text} ${t('incoming.left')}`, urgent: left < 24 * HOUR_MS, over: false };
}

/**
 * Why this document cannot be answered now, in the screen's words (the API refuses the same cases with its own code
 * and message): only TICARIFATURA is answered, once, within 8 days of its arrival.
 */
function refusal(row: IncomingRow, now: number, t: (k: MessageKey) => string): string | undefined {
  // An answer whose sending was not confirmed ('answering') may be sent again (the same answer, see core/incoming).
  if (row.state === 'answered') return `${t('incoming.refuse.answered')} (${t(`incoming.answer.${row.answer ?? 'KABUL'}` as MessageKey) ?? row.answer})`;
  if (row.profile !== 'TICARIFATURA') return `${row.profile ?? ''} ${t('incoming.refuse.profile')}`.trim();
  if (!row.answerable || (row.answerDeadline && new Date(row.answerDeadline).getTime() <= now)) return t('incoming.refuse.late');
  return undefined;
}

const STATES: IncomingFilters['state'][] = ['', 'received', 'invalid', 'answering', 'answered'];
const DUES: IncomingFilters['due'][] = ['', '1', '3', '8'];

function AnswerCell({ row }: { row: IncomingRow }) {
  const t = useT();
  if (row.answer) return <span className={`answer-${row.answer}`}>{t(`incoming.answer.${row.answer}` as MessageKey) ?? row.answer}</span>;
  return <span>—</span>;
}

function DeadlineCell({ row, now }: { row: IncomingRow; now: number }) {
  const t = useT();
  if (!row.answerDeadline) return <span className="hint">{row.profile === 'TICARIFATURA' && !row.answer ? t('incoming.expired') : '—'}</span>;
  const c = countdown(row.answerDeadline, now, t);
  return (
    <span className={c.urgent ? 'countdown urgent' : 'countdown'} data-testid="countdown" title={formatDateTime(row.answerDeadline)}>
      {formatDateTime(row.answerDeadline)} · {c.text}
    </span>
  );
}

/** RED needs the reason the supplier reads; KABUL is confirmed once. */
function AnswerDialog({ row, answer, onClose, onSent }: { row: IncomingRow; answer: 'KABUL' | 'RED'; onClose(): void; onSent(): void }) {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const send = useIncoming((s) => s.answer);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string }>();
  const submit = async () => {
    if (answer === 'RED' && !reason.trim()) {
      // Nothing goes to the integrator without the reason.
      setError({ code: 'INCOMING_ANSWER_REASON_REQUIRED', message: ERROR_CATALOG.INCOMING_ANSWER_REASON_REQUIRED.tr });
      return;
    }
    setBusy(true);
    setError(undefined);
    const refused = await send(session.id, row.ettn, answer, answer === 'RED' ? reason.trim() : undefined);
    setBusy(false);
    if (refused) setError(refused);
    else onSent();
  };
  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-label={t(answer === 'RED' ? 'incoming.red' : 'incoming.kabul')}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h3>{t(answer === 'RED' ? 'incoming.red' : 'incoming.kabul')}</h3>
        <p>
          {row.number ?? row.ettn} — {row.senderName ?? row.senderVkn} — {formatAmount(row.payable, row.currency)}
        </p>
        <p className="hint">{t(answer === 'RED' ? 'incoming.redHint' : 'incoming.kabulHint')}</p>
        {answer === 'RED' ? (
          <label className="block">
            {t('incoming.reason')}
            <textarea name="reason" rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        ) : null}
        <ErrorMessage error={error} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('incoming.sending') : t(answer === 'RED' ? 'incoming.sendRed' : 'incoming.sendKabul')}
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            {t('picker.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}

function Detail({ row }: { row: IncomingRow }) {
  const t = useT();
  return (
    <div className="doc-detail" data-testid="incoming-detail" aria-label={t('docs.detail')}>
      <dl>
        <dt>{t('docs.ettn')}</dt>
        <dd>{row.ettn}</dd>
        <dt>{t('incoming.number')}</dt>
        <dd>{row.number ?? '—'}</dd>
        <dt>{t('incoming.sender')}</dt>
        <dd>
          {row.senderName ?? ''} {row.senderVkn ? `(${row.senderVkn})` : ''}
        </dd>
        <dt>{t('incoming.profile')}</dt>
        <dd>{row.profile ?? '—'}</dd>
        <dt>{t('docs.date')}</dt>
        <dd>{formatDate(row.issueDate)}</dd>
        <dt>{t('incoming.arrived')}</dt>
        <dd>{formatDateTime(row.arrivedAt)}</dd>
        <dt>{t('docs.total')}</dt>
        <dd>{formatAmount(row.payable, row.currency) || '—'}</dd>
        <dt>{t('docs.status')}</dt>
        <dd className={`state-${row.state}`}>{t(`incoming.state.${row.state}`)}</dd>
        <dt>{t('incoming.answerCol')}</dt>
        <dd>
          <AnswerCell row={row} />
        </dd>
      </dl>
      {!row.valid ? (
        <div className="problems" data-testid="incoming-problems">
          <p className="hint">{t('incoming.invalidHint')}</p>
          <ul>
            {row.problems.map((p, i) => (
              <li key={i}>
                {p.message} <code>{p.rule}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** Gelen Belgeler: the company's received e-documents, their answers (KABUL/RED) and the time left to give one. */
export function IncomingScreen() {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const { rows, filters, loading, fetching, error, erpWarning, fetched, setFilters, load, fetchNew } = useIncoming();
  const [focused, setFocused] = useState<string>();
  const [now, setNow] = useState(() => Date.now());
  const [preview, setPreview] = useState<DocumentPreview | 'loading'>();
  const [answering, setAnswering] = useState<'KABUL' | 'RED'>();
  const [detailError, setDetailError] = useState<{ code: string; message: string }>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    void load(session.id);
  }, [session.id, load]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  const row = rows.find((r) => r.ettn === focused);
  const why = row ? refusal(row, now, t) : undefined;

  const open = async (what: 'preview' | 'xml') => {
    if (!row) return;
    setDetailError(undefined);
    try {
      if (what === 'preview') {
        setPreview('loading');
        setPreview(await invoke('session.incomingPreview', { sessionId: session.id, ettn: row.ettn }));
      } else {
        const x = await invoke('session.incomingXml', { sessionId: session.id, ettn: row.ettn });
        download(x.fileName, x.xml, 'application/xml');
      }
    } catch (e) {
      if (what === 'preview') setPreview(undefined);
      setDetailError(errorText(e));
    }
  };

  return (
    <section className="documents incoming" aria-label={t('nav.incoming')}>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(session.id);
        }}
      >
        <DateField label={t('docs.from')} name="from" value={filters.from} onChange={(from) => setFilters({ from })} />
        <DateField label={t('docs.to')} name="to" value={filters.to} onChange={(to) => setFilters({ to })} />
        <label>
          {t('incoming.sender')}
          <input name="sender" value={filters.sender} onChange={(e) => setFilters({ sender: e.target.value })} />
        </label>
        <label>
          {t('docs.status')}
          <select name="state" value={filters.state} onChange={(e) => setFilters({ state: e.target.value as IncomingFilters['state'] })}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s ? t(`incoming.state.${s}`) : t('status.all')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('incoming.due')}
          <select name="due" value={filters.due} onChange={(e) => setFilters({ due: e.target.value as IncomingFilters['due'] })}>
            {DUES.map((d) => (
              <option key={d} value={d}>
                {t(`incoming.due.${d || 'all'}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={loading}>
          {t('docs.refresh')}
        </button>
      </form>

      <div className="actions">
        <button type="button" className="primary" disabled={fetching} onClick={() => void fetchNew(session.id)}>
          {fetching ? t('incoming.fetching') : t('incoming.fetch')}
        </button>
        <span data-testid="incoming-count">
          {rows.length} {t('docs.count')}
        </span>
        {fetched ? (
          <span className="hint" role="status" data-testid="fetch-result">
            {fetched.stored} {t('incoming.fetched')}
            {fetched.invalid ? `, ${fetched.invalid} ${t('incoming.fetchedInvalid')}` : ''}
          </span>
        ) : null}
        <span className="spacer" />
        <button type="button" disabled={!row} onClick={() => void open('preview')}>
          {t('docs.preview')}
        </button>
        <button type="button" disabled={!row} onClick={() => void open('xml')}>
          {t('docs.exportXml')}
        </button>
        <button type="button" disabled={!row || !!why} onClick={() => (setNotice(undefined), setAnswering('KABUL'))}>
          {t('incoming.kabul')}
        </button>
        <button type="button" disabled={!row || !!why} onClick={() => (setNotice(undefined), setAnswering('RED'))}>
          {t('incoming.red')}
        </button>
      </div>
      {row && why ? (
        <p className="hint answer-refusal" data-testid="answer-refusal">
          {why}
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status" data-testid="answer-sent">
          {notice}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <ErrorMessage error={detailError} />
      {erpWarning ? (
        <div className="warning" role="alert" data-testid="erp-warning" data-code={erpWarning.code}>
          {t('incoming.erpWarning')} {erpWarning.message} <code className="error-code">{erpWarning.code}</code>
        </div>
      ) : null}

      <div className="documents-body">
        <div className="table-scroll">
          <table className="incoming-table" aria-label={t('nav.incoming')}>
            <thead>
              <tr>
                <th>{t('docs.ettn')}</th>
                <th>{t('incoming.number')}</th>
                <th>{t('incoming.sender')}</th>
                <th>{t('incoming.profile')}</th>
                <th>{t('docs.date')}</th>
                <th className="num">{t('docs.total')}</th>
                <th>{t('docs.status')}</th>
                <th>{t('incoming.answerCol')}</th>
                <th>{t('incoming.deadline')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.ettn}
                  data-ettn={r.ettn}
                  className={r.ettn === focused ? 'focused' : ''}
                  aria-selected={r.ettn === focused}
                  onClick={() => (setFocused(r.ettn), setNotice(undefined))}
                >
                  <td className="ettn">
                    <button type="button" className="link" onClick={() => setFocused(r.ettn)}>
                      {r.ettn}
                    </button>
                  </td>
                  <td>{r.number ?? '—'}</td>
                  <td>
                    {r.senderName ?? ''}
                    {r.senderVkn ? <small> {r.senderVkn}</small> : null}
                  </td>
                  <td>{r.profile ?? '—'}</td>
                  <td>{formatDate(r.issueDate)}</td>
                  <td className="num">{formatAmount(r.payable, r.currency)}</td>
                  <td className={`state-${r.state}`}>{t(`incoming.state.${r.state}`)}</td>
                  <td>
                    <AnswerCell row={r} />
                  </td>
                  <td>
                    <DeadlineCell row={r} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && !loading ? <p className="hint">{t('incoming.empty')}</p> : null}
        </div>
        {row ? <Detail key={row.ettn} row={row} /> : null}
      </div>

      {preview !== undefined ? <PreviewDialog preview={preview} problemsText="incoming.problems" onClose={() => setPreview(undefined)} /> : null}
      {answering && row ? (
        <AnswerDialog
          row={row}
          answer={answering}
          onClose={() => setAnswering(undefined)}
          onSent={() => {
            setNotice(`${row.number ?? row.ettn}: ${t(answering === 'RED' ? 'incoming.sentRed' : 'incoming.sentKabul')}`);
            setAnswering(undefined);
          }}
        />
      ) : null}
    </section>
  );
}
