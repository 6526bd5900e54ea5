// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../renderer/api';
import { ErpPicker, itemsOfDatabases, itemsOfFirmPeriods } from '../../renderer/components/ErpPicker';
import { LoginScreen } from '../../renderer/screens/LoginScreen';
import { SettingsScreen } from '../../renderer/screens/SettingsScreen';
import { ModuleStep } from '../../renderer/screens/yearend/ModuleStep';
import { useLogin } from '../../renderer/store/login';
import { useSession } from '../../renderer/store/session';
import { DEFAULTS, SESSION, apiError, fakeBridge } from './fakeBridge';

const PERIODS = [
  { firm: '001', firmName: 'Örnek Tekstil', period: '01', periodBegin: '2025-01-01', periodEnd: '2025-12-31', active: false },
  { firm: '002', firmName: 'Anadolu Gıda', period: '01', periodBegin: '2025-01-01', periodEnd: '2025-12-31', active: false },
  { firm: '002', firmName: 'Anadolu Gıda', period: '02', periodBegin: '2026-01-01', periodEnd: '2026-12-31', active: true },
];

/** The guide's steps in the one picker: tick the year's row, "Seç", "Tamam". */
async function tickSelectOk(label: string, closedByParent = true) {
  const dialog = await screen.findByTestId('erp-picker');
  const ok = within(dialog).getByRole('button', { name: 'Tamam' }) as HTMLButtonElement;
  const box = (await within(dialog).findByLabelText(label)) as HTMLInputElement;
  expect(box.type).toBe('checkbox');
  expect(ok.disabled).toBe(true);
  fireEvent.click(box);
  // Ticking alone does not choose: "Seç" does.
  expect(ok.disabled).toBe(true);
  fireEvent.click(within(dialog).getByRole('button', { name: 'Seç' }));
  expect(within(dialog).getByTestId('picker-chosen').textContent).toContain(label);
  fireEvent.click(ok);
  if (closedByParent) await waitFor(() => expect(screen.queryByTestId('erp-picker')).toBeNull());
}

describe('the one "Firma/Dönem Ara" / "Veri tabanı Ara"', () => {
  beforeEach(() => {
    useLogin.setState({ form: { module: 'efatura', user: '', password: '', staff: false, connector: '', server: '', database: '', firm: '', period: '', fiscalYear: '' }, defaults: undefined });
    useSession.setState({ session: SESSION as never, screen: 'settings', kontor: undefined, notice: undefined });
  });
  afterEach(cleanup);

  it('lists firms and periods with Turkish dates and the fiscal year; tick, Seç, Tamam hands the row over', async () => {
    const onPick = vi.fn();
    render(<ErpPicker kind="firm-period" load={async () => itemsOfFirmPeriods(PERIODS)} onPick={onPick} onClose={() => undefined} />);
    await screen.findByLabelText('002 / 02');
    expect(screen.getAllByText('31.12.2026')).toHaveLength(1);
    expect(screen.queryByText('2026-12-31')).toBeNull();
    await tickSelectOk('002 / 02', false);
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ firm: '002', period: '02', fiscalYear: 2026 }));
  });

  it('lists databases the same way', async () => {
    const onPick = vi.fn();
    render(<ErpPicker kind="database" load={async () => itemsOfDatabases([{ name: 'ANADOLUGIDA2026', company: 'Anadolu Gıda', fiscalYear: 2026, recognised: true }])} onPick={onPick} onClose={() => undefined} />);
    await tickSelectOk('ANADOLUGIDA2026', false);
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ database: 'ANADOLUGIDA2026' }));
  });

  it('lists a company database’s fiscal years (Mikro) with the database and year instead of a period code', async () => {
    const rows = [
      { firm: '001', firmName: 'Örnek Tekstil', period: '', periodBegin: '2025-01-01', periodEnd: '2025-12-31', active: false, database: 'MikroDB_V17_ORNEK', fiscalYear: 2025 },
      { firm: '001', firmName: 'Örnek Tekstil', period: '', periodBegin: '2026-01-01', periodEnd: '2026-12-31', active: true, database: 'MikroDB_V17_ORNEK', fiscalYear: 2026 },
      { firm: '002', firmName: 'Anadolu Gıda', period: '', periodBegin: '2026-04-01', periodEnd: '2027-03-31', active: true, database: 'MikroDB_V17_ANADOLU', fiscalYear: 2026 },
    ];
    const onPick = vi.fn();
    render(<ErpPicker kind="firm-period" load={async () => itemsOfFirmPeriods(rows)} onPick={onPick} onClose={() => undefined} />);
    await screen.findByLabelText('MikroDB_V17_ORNEK / 2025');
    const heads = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(heads).not.toContain('Dönem');
    expect(heads).toContain('Mali yıl');
    expect(heads).toContain('Veri tabanı');
    expect(screen.getByText('31.03.2027')).toBeTruthy();
    await tickSelectOk('MikroDB_V17_ANADOLU / 2026', false);
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ firm: '002', database: 'MikroDB_V17_ANADOLU', fiscalYear: 2026 }));
    expect(onPick.mock.calls[0]![0]).not.toHaveProperty('period');
  });

  it('explains why the list could not be read', async () => {
    fakeBridge({});
    render(
      <ErpPicker
        kind="firm-period"
        load={async () => {
          throw new ApiError('ERP_DATABASE_REQUIRED', 'Veri tabanı adı gereklidir.');
        }}
        onPick={() => undefined}
        onClose={() => undefined}
      />,
    );
    expect((await screen.findByRole('alert')).textContent).toContain('Veri tabanı adı gereklidir');
  });

  it('is the same dialog on the login screen: the pick fills firm and period', async () => {
    const bridge = fakeBridge({ 'session.defaults': () => DEFAULTS, 'erp.listFirmPeriods': () => PERIODS });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Firma/Dönem Ara' }));
    await tickSelectOk('002 / 02');
    expect((screen.getByLabelText('Firma Kodu') as HTMLInputElement).value).toBe('002');
    expect((screen.getByLabelText('Dönem Kodu') as HTMLInputElement).value).toBe('02');
    expect(bridge.of('erp.listFirmPeriods')[0]!.input).toEqual({ target: { connector: 'logo', server: 'sqlite:/demo', database: 'LOGODB' } });
  });

  it('is the same dialog in Bağlantı Ayarları, which has the search button the guide shows', async () => {
    const bridge = fakeBridge({
      'settings.get': () => ({ module: 'efatura', target: SESSION.target, integrator: SESSION.integrator, user: 'demo', connector: DEFAULTS.connectors[0], integratorEditable: false }),
      'settings.search': () => ({ periods: PERIODS, databases: [] }),
    });
    render(<SettingsScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Firma/Dönem Ara' }));
    await tickSelectOk('001 / 01');
    expect((screen.getByLabelText('Firma Kodu') as HTMLInputElement).value).toBe('001');
    expect((screen.getByLabelText('Dönem Kodu') as HTMLInputElement).value).toBe('01');
    expect(bridge.of('settings.search')[0]!.input).toMatchObject({ sessionId: 'sess-1', kind: 'firm-period', target: { connector: 'logo', database: 'LOGODB' } });
    // A customer session does not see the integrator address.
    expect(screen.queryByLabelText(/Entegratör adresi/)).toBeNull();
  });

  it('is the same dialog in the year-end wizard', async () => {
    fakeBridge({ 'yearend.search': () => ({ connector: 'logo', shape: 'firm-period', periods: PERIODS.map((p) => ({ ...p, fiscalYear: Number(p.periodBegin.slice(0, 4)) })), databases: [] }) });
    const item = { module: 'efatura', needed: true, fiscalYear: 2025, current: { connector: 'logo', server: 'sqlite:/demo', database: 'LOGODB', firm: '002', period: '01' }, reasons: [], companyVkn: '1234567890', branch: '', profileId: 1 };
    render(<ModuleStep sessionId="sess-1" item={item as never} mode="yearend" others={[]} staff={false} onApplied={() => undefined} onCancel={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Firma/Dönem Ara' }));
    await tickSelectOk('002 / 02');
    expect((screen.getByLabelText('Firma Kodu') as HTMLInputElement).value).toBe('002');
    expect((screen.getByLabelText('Dönem Kodu') as HTMLInputElement).value).toBe('02');
  });

  it('shows an API failure of the list in the dialog', async () => {
    fakeBridge({
      'session.defaults': () => DEFAULTS,
      'erp.listFirmPeriods': () => {
        throw apiError('ERP_DATABASE_REQUIRED', 'Veri tabanı adı gereklidir.');
      },
    });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Firma/Dönem Ara' }));
    expect((await within(await screen.findByTestId('erp-picker')).findByRole('alert')).textContent).toContain('Veri tabanı adı gereklidir');
  });
});
