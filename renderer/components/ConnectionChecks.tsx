import { useT, type MessageKey } from '../i18n';

/** The checklist of "Bağlantınızı Test Edin" in Turkish words; the technical detail (tables, address) stays small. */
export function ConnectionChecks({ checks }: { checks: readonly { name: string; ok: boolean; detail?: string | undefined }[] }) {
  const t = useT();
  return (
    <ul className="checks" data-testid="connection-checks">
      {checks.map((c) => {
        const key = `check.${c.name}` as MessageKey;
        const word = t(key);
        return (
          <li key={c.name} data-check={c.name} className={c.ok ? 'check-ok' : 'check-failed'}>
            {c.ok ? '✓' : '✗'} {word === undefined || word === key ? c.name : word}
            {c.detail ? <small> {c.detail}</small> : null}
          </li>
        );
      })}
    </ul>
  );
}
