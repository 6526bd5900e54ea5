import { useState } from 'react';
import { useYearEndT } from './messages';
import { YearEndWizard } from './YearEndWizard';

/**
 * "İsteğe bağlı veri tabanı geçişi" in Bağlantı Ayarları: the year-end steps during the year, without the year
 * check — test the new period or database, install the helper objects, GÜNCELLE, audited.
 */
export function DatabaseChangeEntry({ sessionId, onChanged }: { sessionId: string; onChanged?: () => void }) {
  const t = useYearEndT();
  const [open, setOpen] = useState(false);
  if (open) {
    return (
      <YearEndWizard
        sessionId={sessionId}
        mode="change"
        onDone={() => {
          setOpen(false);
          onChanged?.();
        }}
        onCancel={() => setOpen(false)}
      />
    );
  }
  return (
    <div className="buttons">
      <button type="button" onClick={() => setOpen(true)}>
        {t('titleChange')}
      </button>
    </div>
  );
}
