import { useEffect, useState } from 'react';
import { errorText, invoke, type Input } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { useT } from '../i18n';

type Settings = Input<'edefter.settings.save'>['settings'];
type Contract = Settings['contracts'][number];

const emptyContract = (): Contract => ({ kind: 'SMMM', title: '', name: '', date: '', number: '', type: '', description: '', fullCertification: false });

function emptySettings(vkn: string, year: number): Settings {
  return {
    firm: {
      taxId: vkn,
      title: '',
      phone: '',
      email: '',
      webSite: '',
      address: { buildingNumber: '', street: '', city: '', postalCode: '', country: 'Türkiye' },
      nace: '',
      fiscalYearStart: `${year}-01-01`,
      fiscalYearEnd: `${year}-12-31`,
      firstTransitionDate: `${year}-01-01`,
      foundationDate: '',
      ledger: { partSizeMb: 200 },
    },
    contracts: [emptyContract()],
    branches: [],
  };
}

/**
 * e-Defter Firma / Sözleşme / Şube Ayarları, as QNB eFinans's guide names them: they fill the ledger's
 * entityInformation. Saving refuses a switch between branched and unbranched within a fiscal year that has ledgers.
 */
export function EdefterSettings({ vkn }: { vkn: string }) {
  const t = useT();
  const [s, setS] = useState<Settings>(emptySettings(vkn, new Date().getFullYear()));
  const [error, setError] = useState<{ code: string; message: string }>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    invoke('edefter.settings.get', { vkn }).then(
      (x) => x && setS(x),
      (e: unknown) => setError(errorText(e)),
    );
  }, [vkn]);
  const firm = (key: keyof Settings['firm'], label: string, type = 'text') => (
    <label>
      {label}{' '}
      <input type={type} value={String(s.firm[key] ?? '')} readOnly={key === 'taxId'} onChange={(e) => setS({ ...s, firm: { ...s.firm, [key]: e.target.value } })} />
    </label>
  );
  const address = (key: keyof Settings['firm']['address'], label: string) => (
    <label>
      {label} <input value={s.firm.address[key] ?? ''} onChange={(e) => setS({ ...s, firm: { ...s.firm, address: { ...s.firm.address, [key]: e.target.value } } })} />
    </label>
  );
  const contract = (i: number, key: keyof Contract, label: string) => (
    <label>
      {label}{' '}
      <input
        value={String(s.contracts[i]![key] ?? '')}
        onChange={(e) => setS({ ...s, contracts: s.contracts.map((c, n) => (n === i ? { ...c, [key]: e.target.value } : c)) })}
      />
    </label>
  );
  const branches = s.branches ?? [];
  const save = async () => {
    setError(undefined);
    setSaved(false);
    try {
      setS(await invoke('edefter.settings.save', { settings: s }));
      setSaved(true);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="edefter-settings" data-testid="edefter-settings">
      <h3>{t('edefter.settings.firm')}</h3>
      {firm('taxId', 'VKN/TCKN')}
      {firm('title', t('edefter.settings.title'))}
      {firm('phone', t('edefter.settings.phone'))}
      {firm('email', t('edefter.settings.email'))}
      {firm('webSite', t('edefter.settings.web'))}
      {address('street', t('edefter.settings.street'))}
      {address('buildingNumber', t('edefter.settings.building'))}
      {address('city', t('edefter.settings.city'))}
      {address('postalCode', t('edefter.settings.postal'))}
      {address('country', t('edefter.settings.country'))}
      {firm('nace', t('edefter.settings.nace'))}
      {firm('fiscalYearStart', t('edefter.settings.fyStart'), 'date')}
      {firm('fiscalYearEnd', t('edefter.settings.fyEnd'), 'date')}
      {firm('firstTransitionDate', t('edefter.settings.firstTransition'), 'date')}
      {firm('foundationDate', t('edefter.settings.foundation'), 'date')}
      <h3>{t('edefter.settings.contracts')}</h3>
      {s.contracts.map((c, i) => (
        <fieldset key={i}>
          <label>
            {t('edefter.settings.kind')}{' '}
            <select value={c.kind} onChange={(e) => setS({ ...s, contracts: s.contracts.map((x, n) => (n === i ? { ...x, kind: e.target.value as Contract['kind'] } : x)) })}>
              {['SM', 'SMMM', 'YMM', '-'].map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          {contract(i, 'title', t('edefter.settings.title'))}
          {contract(i, 'name', t('edefter.settings.name'))}
          {contract(i, 'date', t('edefter.settings.contractDate'))}
          {contract(i, 'number', t('edefter.settings.contractNo'))}
          {contract(i, 'type', t('edefter.settings.contractType'))}
          {contract(i, 'description', t('edefter.settings.contractDescription'))}
          <button type="button" onClick={() => setS({ ...s, contracts: s.contracts.filter((_, n) => n !== i) })} disabled={s.contracts.length === 1}>
            −
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => setS({ ...s, contracts: [...s.contracts, emptyContract()] })}>
        + {t('edefter.settings.contract')}
      </button>
      <h3>{t('edefter.settings.branches')}</h3>
      {branches.map((b, i) => (
        <div key={i}>
          <input value={b.code} placeholder="0001" onChange={(e) => setS({ ...s, branches: branches.map((x, n) => (n === i ? { ...x, code: e.target.value } : x)) })} />
          <input value={b.name} placeholder="İzmir" onChange={(e) => setS({ ...s, branches: branches.map((x, n) => (n === i ? { ...x, name: e.target.value } : x)) })} />
          <button type="button" onClick={() => setS({ ...s, branches: branches.filter((_, n) => n !== i) })}>
            −
          </button>
        </div>
      ))}
      <button type="button" onClick={() => setS({ ...s, branches: [...branches, { code: '', name: '' }] })}>
        + {t('edefter.settings.branch')}
      </button>
      <ErrorMessage error={error} />
      {saved ? <p className="info">{t('edefter.settings.saved')}</p> : null}
      <button type="button" onClick={() => void save()}>
        {t('edefter.settings.save')}
      </button>
    </section>
  );
}
