// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PickerDialog } from '../../renderer/components/PickerDialog';
import { apiError, fakeBridge } from './fakeBridge';

const PERIODS = [
  { firm: '001', firmName: 'Örnek Tekstil', period: '01', periodBegin: '2025-01-01', periodEnd: '2025-12-31', active: false },
  { firm: '002', firmName: 'Anadolu Gıda', period: '01', periodBegin: '2025-01-01', periodEnd: '2025-12-31', active: false },
  { firm: '002', firmName: 'Anadolu Gıda', period: '02', periodBegin: '2026-01-01', periodEnd: '2026-12-31', active: true },
];

describe('Firma/Dönem Ara and Veri tabanı Ara', () => {
  afterEach(cleanup);

  it('lists firms and periods with dates; tick a row, Seç, then Tamam hands it over', async () => {
    const bridge = fakeBridge({ 'erp.listFirmPeriods': () => PERIODS });
    const onPick = vi.fn();
    render(<PickerDialog kind="firm-period" connector="logo" server="sqlite:/demo" database="LOGODB" onPick={onPick} onClose={() => undefined} />);
    const row = await screen.findByLabelText('002 / 02');
    expect(screen.getAllByText('2026-12-31')).toHaveLength(1);
    const ok = screen.getByRole('button', { name: 'Tamam' }) as HTMLButtonElement;
    expect(ok.disabled).toBe(true);
    fireEvent.click(row);
    // Ticking alone does not choose: "Seç" does.
    expect(ok.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Seç' }));
    expect(screen.getByTestId('picker-chosen').textContent).toContain('002 / 02');
    fireEvent.click(ok);
    expect(onPick).toHaveBeenCalledWith({ kind: 'firm-period', row: PERIODS[2] });
    expect(bridge.of('erp.listFirmPeriods')[0]!.input).toEqual({ target: { connector: 'logo', server: 'sqlite:/demo', database: 'LOGODB' } });
  });

  it('lists the databases of a database-per-year program', async () => {
    fakeBridge({ 'erp.listDatabases': () => [{ name: 'ANADOLUGIDA2026', company: 'Anadolu Gıda', fiscalYear: 2026, recognised: true }] });
    const onPick = vi.fn();
    render(<PickerDialog kind="database" connector="netsis" server="sqlite:/demo" onPick={onPick} onClose={() => undefined} />);
    fireEvent.click(await screen.findByLabelText('ANADOLUGIDA2026'));
    fireEvent.click(screen.getByRole('button', { name: 'Seç' }));
    fireEvent.click(screen.getByRole('button', { name: 'Tamam' }));
    expect(onPick).toHaveBeenCalledWith({ kind: 'database', row: expect.objectContaining({ name: 'ANADOLUGIDA2026' }) });
  });

  it('lists a company database’s fiscal years (Mikro) with the database and year instead of a period code', async () => {
    const rows = [
      { firm: '001', firmName: 'Örnek Tekstil', period: '', periodBegin: '2025-01-01', periodEnd: '2025-12-31', active: false, database: 'MikroDB_V17_ORNEK', fiscalYear: 2025 },
      { firm: '001', firmName: 'Örnek Tekstil', period: '', periodBegin: '2026-01-01', periodEnd: '2026-12-31', active: true, database: 'MikroDB_V17_ORNEK', fiscalYear: 2026 },
      { firm: '002', firmName: 'Anadolu Gıda', period: '', periodBegin: '2026-04-01', periodEnd: '2027-03-31', active: true, database: 'MikroDB_V17_ANADOLU', fiscalYear: 2026 },
    ];
    fakeBridge({ 'erp.listFirmPeriods': () => rows });
    const onPick = vi.fn();
    render(<PickerDialog kind="firm-period" connector="mikro" server="sqlite:/demo" onPick={onPick} onClose={() => undefined} />);
    await screen.findByLabelText('MikroDB_V17_ORNEK / 2025');
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).not.toContain('Dönem');
    expect(screen.getByRole('columnheader', { name: 'Mali yıl' })).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Veri tabanı' })).toBeTruthy();
    expect(screen.getByText('2027-03-31')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('MikroDB_V17_ANADOLU / 2026'));
    fireEvent.click(screen.getByRole('button', { name: 'Seç' }));
    fireEvent.click(screen.getByRole('button', { name: 'Tamam' }));
    expect(onPick).toHaveBeenCalledWith({ kind: 'firm-period', row: rows[2] });
  });

  it('explains why the list could not be read', async () => {
    fakeBridge({
      'erp.listFirmPeriods': () => {
        throw apiError('ERP_DATABASE_REQUIRED', 'Veri tabanı adı gereklidir.');
      },
    });
    render(<PickerDialog kind="firm-period" connector="logo" server="sqlite:/demo" onPick={() => undefined} onClose={() => undefined} />);
    expect((await screen.findByRole('alert')).textContent).toContain('Veri tabanı adı gereklidir');
  });
});
