import { useEffect, useState } from 'react';
import type { AliasChoices } from '../../core/api';
import { ERROR_CATALOG } from '../../core/errors';
import { errorText, invoke } from '../api';
import { useT } from '../i18n';
import { ErrorMessage } from './ErrorMessage';

/** The check that stops a document whose customer has several mailboxes and no choice recorded. */
export const ALIAS_AMBIGUOUS_RULE = 'KNK_ROUTING_ALIAS_AMBIGUOUS';

/**
 * Belgeler → a document stopped for its customer's several mailboxes → the customer's open mailboxes from GİB's list
 * → the one chosen is recorded for the customer and the document checked again: ready for "Gönder".
 */
export function AliasChoice({ sessionId, ettn, onChosen }: { sessionId: string; ettn: string; onChosen(message: string): void }) {
  const t = useT();
  const [choices, setChoices] = useState<AliasChoices>();
  const [alias, setAlias] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string }>();

  useEffect(() => {
    let live = true;
    invoke('session.aliasChoices', { sessionId, ettn }).then(
      (c) => live && setChoices(c),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [sessionId, ettn]);

  const choose = async () => {
    if (!alias) {
      setError({ code: 'ALIAS_NOT_SELECTED', message: ERROR_CATALOG.ALIAS_NOT_SELECTED.tr });
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await invoke('session.chooseAlias', { sessionId, ettn, alias });
      // The list is read again: the document leaves "Geçersiz" and this choice with it; the message stays with the detail.
      onChosen(r.status === 'unsent' ? t('alias.ready') : t('alias.stillInvalid'));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="alias-choice" data-testid="alias-choice">
      <p>
        <b>{t('alias.title')}</b>
        {choices ? ` — ${choices.customer ?? ''} (${choices.identifier})` : ''}
      </p>
      {choices ? (
        <fieldset>
          <legend>{t('alias.legend')}</legend>
          {choices.aliases.map((a) => (
            <label key={a} className="block">
              <input type="radio" name="alias" value={a} checked={alias === a} onChange={() => setAlias(a)} /> {a}
              {choices.chosen === a ? <small> ({t('alias.earlier')})</small> : null}
            </label>
          ))}
          <button type="button" className="primary" disabled={busy} onClick={() => void choose()}>
            {t('alias.choose')}
          </button>
        </fieldset>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  );
}
