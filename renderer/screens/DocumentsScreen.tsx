import { useEffect, useMemo, useState } from 'react';
import { errorText, invoke, type Output } from '../api';
import { DocumentTable } from '../components/DocumentTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { useT } from '../i18n';
import { useDocuments, type DocumentFilters } from '../store/documents';
import { useSession } from '../store/session';

type History = Output<'session.history'>;

/** Saves text as a file the browser way: no Node, no file dialog of our own. */
function download(fileName: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A module's outgoing documents: the ERP's and the outbox's, filters, multi-select send, details. */
export function DocumentsScreen() {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const setKontor = useSession((s) => s.setKontor);
  const { rows, filters, selected, loading, error, job, setFilters, toggle, selectAll, load, send, resend } = useDocuments();
  const [focused, setFocused] = useState<string>();
  const [history, setHistory] = useState<History>();
  const [preview, setPreview] = useState<string>();
  const [detailError, setDetailError] = useState<{ code: string; message: string }>();
  // The document kinds of the session's module its program reads (core/documents/kinds + the connector's map).
  const supported = session.documentKinds.some((k) => k.direction === 'outgoing');

  useEffect(() => {
    if (supported) void load(session.id);
  }, [session.id, supported, load]);

  const running = job?.state === 'running';
  useEffect(() => {
    if (job && job.state !== 'running') {
      invoke('session.status', { sessionId: session.id }).then((s) => setKontor(s.kontor), () => undefined);
    }
  }, [job, session.id, setKontor]);

  const chosen = useMemo(() => rows.filter((r) => selected.has(r.key)), [rows, selected]);
  const unsentChosen = chosen.filter((r) => r.state === 'unsent').length;
  const resendableChosen = chosen.filter((r) => r.resendable).length;
  const focusedRow = rows.find((r) => r.key === focused);

  const detail = async (what: 'history' | 'preview' | 'xml') => {
    if (!focusedRow?.ettn) return;
    setDetailError(undefined);
    try {
      if (what === 'history') setHistory(await invoke('session.history', { sessionId: session.id, ettn: focusedRow.ettn }));
      if (what === 'preview') setPreview((await invoke('session.preview', { sessionId: session.id, ettn: focusedRow.ettn })).html);
      if (what === 'xml') {
        const x = await invoke('session.exportXml', { sessionId: session.id, ettn: focusedRow.ettn });
        download(x.fileName, x.xml, 'application/xml');
      }
    } catch (e) {
      setDetailError(errorText(e));
    }
  };

  if (!supported) return <section className="documents"><p>{t('docs.notBuilt')}</p></section>;

  const progress = job ? Math.round((job.done / Math.max(job.total, 1)) * 100) : 0;
  return (
    <section className="documents" aria-label={t('nav.documents')}>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(session.id);
        }}
      >
        <label>
          {t('docs.from')}
          <input type="date" name="from" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
        </label>
        <label>
          {t('docs.to')}
          <input type="date" name="to" value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
        </label>
        <label>
          {t('docs.status')}
          <select name="status" value={filters.status} onChange={(e) => setFilters({ status: e.target.value as DocumentFilters['status'] })}>
            {(['all', 'unsent', 'inProgress', 'delivered', 'failed'] as const).map((s) => (
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

      {job ? (
        <div className="progress" data-testid="send-progress" data-state={job.state}>
          <span>
            {running ? t('docs.sending') : t('docs.sent')}: {job.done}/{job.total}
          </span>
          <div role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} className="bar">
            <div style={{ width: `${progress}%` }} />
          </div>
        </div>
      ) : null}
      <ErrorMessage error={error} />

      <DocumentTable rows={rows} selected={selected} focused={focused} onToggle={toggle} onFocus={(k) => (setFocused(k), setHistory(undefined))} />

      <ErrorMessage error={detailError} />
      {history && focusedRow ? (
        <div className="history" aria-label={t('docs.history')}>
          <h3>
            {t('docs.history')}: {focusedRow.erpNumber}
          </h3>
          <ol>
            {history.map((h, i) => (
              <li key={i}>
                <time>{h.at}</time> {h.from ? `${h.from} → ` : ''}
                <b>{h.to}</b> {h.detail ?? ''}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      {preview !== undefined ? (
        <div className="dialog-backdrop">
          <div className="dialog wide" role="dialog" aria-label={t('docs.preview')}>
            {/* The invoice's own stylesheet output, sandboxed: no scripts, no navigation, no access to this page. */}
            <iframe title={t('docs.preview')} sandbox="" srcDoc={preview} className="preview" />
            <div className="buttons">
              <button type="button" onClick={() => setPreview(undefined)}>
                {t('docs.closePreview')}
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </section>
  );
}
