import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import type { DocumentPreview, DocumentRow } from '../../core/api';
import { STATUS_FILTERS, type DocumentStatus } from '../../core/documents/documentStatus';
import { errorText, invoke, type Output } from '../api';
import { DateField } from '../components/DateField';
import { AliasChoice, ALIAS_AMBIGUOUS_RULE } from '../components/AliasChoice';
import { DocumentTable } from '../components/DocumentTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { SendSummary } from '../components/SendSummary';
import { formatAmount, formatDate, formatDateTime } from '../format';
import { useT, type MessageKey } from '../i18n';
import { useLogin } from '../store/login';
import { rowsDuringJob, useDocuments, type DocumentFilters } from '../store/documents';
import { useSession } from '../store/session';

type History = Output<'session.history'>;
type Report = Output<'session.reportStatus'>;

/** durum 2: the user's explicit choice to send the document again under a new number and ETTN (never automatic). */
function Renumber({ row, sessionId, onChanged }: { row: DocumentRow; sessionId: string; onChanged: () => void }) {
  const t = useT();
  const [error, setError] = useState<{ code: string; message: string }>();
  const [done, setDone] = useState(false);
  return (
    <div className="after-delivery" data-testid="renumber">
      <p className="hint">{t('docs.renumberHint')}</p>
      {!done ? (
        <button
          type="button"
          onClick={async () => {
            setError(undefined);
            try {
              await invoke('session.renumber', { sessionId, ettn: row.ettn! });
              setDone(true);
              onChanged();
            } catch (e) {
              setError(errorText(e));
            }
          }}
        >
          {t('docs.renumber')}
        </button>
      ) : (
        <p className="ok" role="status">
          {t('docs.renumbered')}
        </p>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

/**
 * After delivery, for documents the integrator reports to GİB (e-Arşiv, receipts): the report status asked on
 * demand, and "İptal et" with its reason while the document may still be cancelled. core/api refuses a cancellation
 * once the document is in a report, with its own message.
 */
export function AfterDelivery({ row, sessionId, onChanged }: { row: DocumentRow; sessionId: string; onChanged: () => void }) {
  const t = useT();
  const [report, setReport] = useState<Report>();
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<{ code: string; message: string }>();
  const [done, setDone] = useState(false);
  if (row.ettn && row.renumberable) return <Renumber row={row} sessionId={sessionId} onChanged={onChanged} />;
  if (!row.ettn || !row.reportable) return null;
  const ettn = row.ettn;
  const askReport = async () => {
    setError(undefined);
    try {
      setReport(await invoke('session.reportStatus', { sessionId, ettn }));
    } catch (e) {
      setError(errorText(e));
    }
  };
  const cancel = async () => {
    setError(undefined);
    try {
      await invoke('session.cancel', { sessionId, ettn, reason });
      setDone(true);
      setAsking(false);
      onChanged();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <div className="after-delivery" data-testid="after-delivery">
      <div className="buttons">
        <button type="button" onClick={() => void askReport()}>
          {t('docs.reportStatus')}
        </button>
        {row.cancellableUntil && !done ? (
          <button type="button" onClick={() => setAsking(true)}>
            {t('docs.cancel')}
          </button>
        ) : null}
      </div>
      {report ? (
        <p data-testid="report-status" role="status">
          {report.reported === undefined ? t('docs.unknownAtIntegrator') : report.reported ? t('docs.reported') : t('docs.notReported')}
          {report.cancellationReported !== undefined ? ` · ${report.cancellationReported ? t('docs.cancellationReported') : t('docs.cancellationNotReported')}` : ''}
          {report.cancellableUntil ? ` · ${t('docs.cancellableUntil')} ${formatDate(report.cancellableUntil)}` : ''}
        </p>
      ) : row.cancellableUntil ? (
        <p className="hint">
          {t('docs.cancellableUntil')} {formatDate(row.cancellableUntil)}
        </p>
      ) : null}
      {asking ? (
        <form
          className="cancel-form"
          onSubmit={(e) => {
            e.preventDefault();
            void cancel();
          }}
        >
          <label>
            {t('docs.cancelReason')}
            <input name="cancelReason" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="primary">
            {t('docs.cancelConfirm')}
          </button>
        </form>
      ) : null}
      {done ? (
        <p className="ok" role="status">
          {t('docs.cancelled')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  );
}

/** Saves data as a file the browser way: no Node, no file dialog of our own. */
export function download(fileName: string, data: BlobPart, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const HINTS: Partial<Record<DocumentStatus, MessageKey>> = {
  rejected: 'hint.rejected',
  failed: 'hint.failed',
  invalid: 'hint.invalid',
  inProgress: 'hint.inProgress',
};

/** One document's facts, both amounts, its status in plain words and the integrator's raw text behind "Ayrıntı". */
function DocumentDetail({ row, sessionId, onChanged }: { row: DocumentRow; sessionId: string; onChanged(): void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  /** What the mailbox choice did, kept while the list is read again (the document leaves "Geçersiz"). */
  const [aliasDone, setAliasDone] = useState<string>();
  // A document stopped only for its customer's mailboxes is settled here, not in the accounting program.
  const hint = row.rule === ALIAS_AMBIGUOUS_RULE ? undefined : HINTS[row.status];
  return (
    <div className="doc-detail" data-testid="doc-detail" aria-label={t('docs.detail')}>
      <dl>
        <dt>{t('docs.erpNumber')}</dt>
        <dd>{row.erpNumber}</dd>
        <dt>{t('docs.number')}</dt>
        <dd>{row.number ?? '—'}</dd>
        <dt>{t('docs.date')}</dt>
        <dd>{formatDate(row.issueDate)}</dd>
        <dt>{t('docs.customer')}</dt>
        <dd>
          {row.customer ?? ''} {row.customerTaxId ? `(${row.customerTaxId})` : ''}
        </dd>
        {row.deductions ? (
          <>
            {/* A receipt: the gross, each deduction or tax with its rate, and what is paid. */}
            <dt>{t('docs.gross')}</dt>
            <dd data-testid="detail-gross">{formatAmount(row.total, row.currency) || '—'}</dd>
            {row.deductions.map((d) => (
              <Fragment key={`${d.code}-${d.percent}`}>
                <dt>
                  {d.name} %{d.percent}
                </dt>
                <dd data-testid="detail-deduction">{formatAmount(d.amount, row.currency)}</dd>
              </Fragment>
            ))}
            <dt>{t('docs.total')}</dt>
            <dd data-testid="detail-payable">{formatAmount(row.net, row.currency) || '—'}</dd>
          </>
        ) : (
          <>
            <dt>{t('docs.taxInclusive')}</dt>
            <dd data-testid="detail-tax-inclusive">{formatAmount(row.taxInclusive, row.currency) || '—'}</dd>
            <dt>{t('docs.total')}</dt>
            <dd data-testid="detail-payable">{formatAmount(row.total, row.currency) || '—'}</dd>
          </>
        )}
        <dt>{t('docs.status')}</dt>
        <dd className={`state-${row.status}`}>{t(`status.${row.status}`)}</dd>
        {row.ettn ? (
          <>
            <dt>{t('docs.ettn')}</dt>
            <dd>{row.ettn}</dd>
          </>
        ) : null}
      </dl>
      {hint ? (
        <p className="hint status-hint" data-testid="status-hint">
          {t(hint)}
        </p>
      ) : null}
      {row.message ? (
        <p className="doc-message" data-testid="doc-message">
          {[row.gibCode, row.message].filter(Boolean).join(' — ')}
        </p>
      ) : null}
      {row.status === 'invalid' && row.rule === ALIAS_AMBIGUOUS_RULE && row.ettn ? (
        <AliasChoice sessionId={sessionId} ettn={row.ettn} onChosen={(message) => (setAliasDone(message), onChanged())} />
      ) : null}
      {aliasDone ? (
        <p className="notice" role="status" data-testid="alias-done">
          {aliasDone}
        </p>
      ) : null}
      {row.detail ? (
        <>
          <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? t('docs.hideDetails') : t('docs.details')}
          </button>
          {open ? <pre className="raw-detail" data-testid="raw-detail">{row.detail}</pre> : null}
        </>
      ) : null}
    </div>
  );
}

/** "Önizle": a loading line until the first view is ready, the invoice (print, PDF), or an invalid one's problems. */
export function PreviewDialog({
  preview,
  onClose,
  onPdf,
  problemsText = 'docs.problems',
}: {
  preview: DocumentPreview | 'loading';
  onClose(): void;
  onPdf?: (() => void) | undefined;
  /** What the list of problems means for this screen's documents. */
  problemsText?: MessageKey;
}) {
  const t = useT();
  const frame = useRef<HTMLIFrameElement>(null);
  // The frame is same-origin (no scripts run in it) so the page can size it for printing and ask it to print.
  const fit = () => {
    const doc = frame.current?.contentDocument;
    if (frame.current && doc?.documentElement) frame.current.style.setProperty('--content-height', `${doc.documentElement.scrollHeight}px`);
  };
  return (
    <div className="dialog-backdrop preview-backdrop">
      <div className="dialog wide preview-dialog" role="dialog" aria-label={t('docs.preview')}>
        {preview === 'loading' ? (
          <p className="loading" role="status" data-testid="preview-loading">
            <span className="spinner" aria-hidden="true" /> {t('docs.previewLoading')}
          </p>
        ) : null}
        {preview !== 'loading' && preview.problems ? (
          <div className="problems" data-testid="preview-problems">
            <p>{t(problemsText)}</p>
            <ul>
              {preview.problems.map((p, i) => (
                <li key={i}>
                  {p.message} <code>{p.rule}</code>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {preview !== 'loading' && preview.html !== undefined ? (
          // The invoice's own stylesheet output: no scripts, no navigation, no forms.
          <iframe ref={frame} title={t('docs.preview')} sandbox="allow-same-origin allow-modals" srcDoc={preview.html} className="preview" onLoad={fit} />
        ) : null}
        <div className="buttons no-print">
          {preview !== 'loading' && preview.html !== undefined ? (
            <>
              <button type="button" onClick={() => frame.current?.contentWindow?.print()}>
                {t('docs.print')}
              </button>
              {onPdf ? (
                <button type="button" onClick={onPdf}>
                  {t('docs.pdf')}
                </button>
              ) : null}
            </>
          ) : null}
          <button type="button" onClick={onClose}>
            {t('docs.closePreview')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** A module's outgoing documents: the ERP's and the outbox's, filters, multi-select send, details. */
export function DocumentsScreen() {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const setKontor = useSession((s) => s.setKontor);
  const canPdf = useLogin((s) => s.defaults?.pdf === true);
  const { rows: listed, filters, selected, loading, error, job, setFilters, toggle, selectAll, load, send, resend, showStatus } = useDocuments();
  const [focused, setFocused] = useState<string>();
  const [history, setHistory] = useState<History>();
  const [preview, setPreview] = useState<DocumentPreview | 'loading'>();
  const [detailError, setDetailError] = useState<{ code: string; message: string }>();
  // The document kinds of the session's module its program reads (core/documents/kinds + the connector's map).
  const supported = session.documentKinds.some((k) => k.direction === 'outgoing');

  useEffect(() => {
    if (supported) void load(session.id);
  }, [session.id, supported, load]);

  const running = job?.state === 'running';
  useEffect(() => {
    if (job && job.state !== 'running') {
      invoke('session.status', { sessionId: session.id }).then((s) => setKontor(s.kontor, s.kontorThreshold), () => undefined);
    }
  }, [job, session.id, setKontor]);

  const rows = useMemo(() => rowsDuringJob(listed, job), [listed, job]);
  const chosen = useMemo(() => rows.filter((r) => selected.has(r.key)), [rows, selected]);
  const unsentChosen = chosen.filter((r) => r.status === 'unsent').length;
  const resendableChosen = chosen.filter((r) => r.resendable).length;
  // The row the detail buttons act on: the one clicked, or the only one ticked.
  const focusedRow = rows.find((r) => r.key === focused) ?? (chosen.length === 1 ? chosen[0] : undefined);

  const detail = async (what: 'history' | 'preview' | 'xml') => {
    if (!focusedRow?.ettn) return;
    setDetailError(undefined);
    try {
      if (what === 'history') setHistory(await invoke('session.history', { sessionId: session.id, ettn: focusedRow.ettn }));
      if (what === 'preview') {
        setPreview('loading');
        setPreview(await invoke('session.preview', { sessionId: session.id, ettn: focusedRow.ettn }));
      }
      if (what === 'xml') {
        const x = await invoke('session.exportXml', { sessionId: session.id, ettn: focusedRow.ettn });
        download(x.fileName, x.xml, 'application/xml');
      }
    } catch (e) {
      if (what === 'preview') setPreview(undefined);
      setDetailError(errorText(e));
    }
  };
  const savePdf = async () => {
    if (!focusedRow?.ettn) return;
    try {
      const pdf = await invoke('session.previewPdf', { sessionId: session.id, ettn: focusedRow.ettn });
      download(pdf.fileName, Uint8Array.from(atob(pdf.base64), (c) => c.charCodeAt(0)), 'application/pdf');
    } catch (e) {
      setDetailError(errorText(e));
    }
  };

  if (!supported) return <section className="documents"><p>{t('docs.notBuilt')}</p></section>;

  return (
    <section className="documents" aria-label={t('nav.documents')}>
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
          {t('docs.status')}
          <select name="status" value={filters.status} onChange={(e) => setFilters({ status: e.target.value as DocumentFilters['status'] })}>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('docs.customer')}
          <input name="customer" value={filters.customer} onChange={(e) => setFilters({ customer: e.target.value })} />
        </label>
        <button type="submit" disabled={loading}>
          {t('docs.refresh')}
        </button>
      </form>

      <div className="actions">
        <label className="inline">
          <input type="checkbox" aria-label={t('docs.selectAll')} checked={rows.length > 0 && selected.size === rows.length} onChange={(e) => selectAll(e.target.checked)} />
          {t('docs.selectAll')}
        </label>
        <span data-testid="doc-count">
          {rows.length} {t('docs.count')}, {selected.size} {t('docs.selected')}
        </span>
        <button type="button" className="primary" disabled={running || unsentChosen === 0} onClick={() => void send(session.id)}>
          {t('docs.send')} {unsentChosen > 0 ? `(${unsentChosen})` : ''}
        </button>
        <button type="button" disabled={running || resendableChosen === 0} onClick={() => void resend(session.id)}>
          {t('docs.resend')} {resendableChosen > 0 ? `(${resendableChosen})` : ''}
        </button>
        <span className="spacer" />
        <button type="button" disabled={!focusedRow?.ettn} onClick={() => void detail('preview')}>
          {t('docs.preview')}
        </button>
        <button type="button" disabled={!focusedRow?.ettn} onClick={() => void detail('xml')}>
          {t('docs.exportXml')}
        </button>
        <button type="button" disabled={!focusedRow?.ettn} onClick={() => void detail('history')}>
          {t('docs.history')}
        </button>
      </div>

      {job ? <SendSummary job={job} onShow={(s) => void showStatus(session.id, s)} /> : null}
      <ErrorMessage error={error} />

      <div className="documents-body">
        <DocumentTable rows={rows} selected={selected} focused={focusedRow?.key} onToggle={toggle} onFocus={(k) => (setFocused(k), setHistory(undefined))} />
        {focusedRow ? (
          <div>
            <DocumentDetail key={focusedRow.key} row={focusedRow} sessionId={session.id} onChanged={() => void load(session.id)} />
            <AfterDelivery key={`after-${focusedRow.key}`} row={focusedRow} sessionId={session.id} onChanged={() => void load(session.id)} />
          </div>
        ) : null}
      </div>

      <ErrorMessage error={detailError} />
      {history && focusedRow ? (
        <div className="history" aria-label={t('docs.history')}>
          <h3>
            {t('docs.history')}: {focusedRow.erpNumber}
          </h3>
          <ol>
            {history.map((h, i) => (
              <li key={i} data-to={h.to}>
                <time dateTime={h.at}>{formatDateTime(h.at, { seconds: true })}</time> {h.from ? `${t(`state.${h.from}` as MessageKey) ?? h.from} → ` : ''}
                <b>{t(`state.${h.to}` as MessageKey) ?? h.to}</b> {h.detail ?? ''}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      {preview !== undefined ? <PreviewDialog preview={preview} onClose={() => setPreview(undefined)} onPdf={canPdf ? () => void savePdf() : undefined} /> : null}
    </section>
  );
}
