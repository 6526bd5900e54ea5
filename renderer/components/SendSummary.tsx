import type { SendJobView } from '../../core/api';
import { DOCUMENT_STATUSES, type DocumentStatus } from '../../core/documents/documentStatus';
import { useT } from '../i18n';

/** Statuses that mean "did not go": their counts link to the documents. */
const PROBLEMS: readonly DocumentStatus[] = ['failed', 'invalid', 'rejected'];

/**
 * What a send came to, in the same words as the rows: "3 belgeden 1 teslim edildi, 1 hatalı, 1 geçersiz" — never
 * "N/N" when some did not go. Each problem count opens the list filtered to those documents.
 */
export function SendSummary({ job, onShow }: { job: SendJobView; onShow(status: DocumentStatus): void }) {
  const t = useT();
  const running = job.state === 'running';
  const progress = Math.round((job.done / Math.max(job.total, 1)) * 100);
  const parts = DOCUMENT_STATUSES.filter((s) => job.counts[s] > 0);
  return (
    <div className="progress" data-testid="send-progress" data-state={job.state}>
      <span className="send-summary" data-testid="send-summary">
        <b>{running ? t('docs.sending') : job.state === 'failed' ? t('docs.sendFailed') : t('docs.sent')}:</b> {job.total} {t('docs.summary.of')}{' '}
        {parts.map((s, i) => (
          <span key={s} data-status={s} data-count={job.counts[s]}>
            {i > 0 ? ', ' : ''}
            {PROBLEMS.includes(s) && !running ? (
              <button type="button" className={`link state-${s}`} onClick={() => onShow(s)}>
                {job.counts[s]} {t(`status.${s}`).toLocaleLowerCase('tr-TR')}
              </button>
            ) : (
              <>
                {job.counts[s]} {t(`status.${s}`).toLocaleLowerCase('tr-TR')}
              </>
            )}
          </span>
        ))}
      </span>
      <div role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} className="bar">
        <progress max={100} value={progress} aria-hidden="true" />
      </div>
    </div>
  );
}
