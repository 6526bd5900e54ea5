// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoginScreen } from '../../renderer/screens/LoginScreen';
import { padCodeForDisplay, useLogin } from '../../renderer/store/login';
import { useSession } from '../../renderer/store/session';
import { DEFAULTS, SESSION, apiError, fakeBridge } from './fakeBridge';

describe('login store', () => {
  it('pads firm code 2 to 002 and period 1 to 01, and leaves 2a for the API to refuse', () => {
    expect(padCodeForDisplay('2', 3)).toBe('002');
    expect(padCodeForDisplay(' 12 ', 3)).toBe('012');
    expect(padCodeForDisplay('1', 2)).toBe('01');
    expect(padCodeForDisplay('2a', 3)).toBe('2a');
    expect(padCodeForDisplay('', 3)).toBe('');
  });
});

describe('login screen', () => {
  beforeEach(() => {
    useLogin.setState({ form: { module: 'efatura', user: '', password: '', staff: false, connector: '', server: '', database: '', firm: '', period: '', fiscalYear: '' }, defaults: undefined });
    useSession.setState({ session: undefined, screen: 'login', kontor: undefined, notice: undefined });
  });
  afterEach(cleanup);

  it('offers every module, the demo login and the search button of the connector’s shape', async () => {
    fakeBridge({ 'session.defaults': () => DEFAULTS });
    render(<LoginScreen />);
    for (const m of ['e-Fatura', 'e-Arşiv', 'e-İrsaliye', 'e-Defter', 'e-SMM', 'e-MM']) expect(await screen.findByRole('radio', { name: m })).toBeTruthy();
    expect(screen.getByText('demo123')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Firma/Dönem Ara' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Veri tabanı Ara' })).toBeNull();
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'netsis' } });
    expect(screen.getByRole('button', { name: 'Veri tabanı Ara' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Firma/Dönem Ara' })).toBeNull();
    // Netsis keeps a company-year per database: no firm or period fields.
    expect(document.querySelector('input[name="firm"]')).toBeNull();
  });

  it('asks Mikro for the fiscal year inside the company database, and ETA for its company-year database', async () => {
    fakeBridge({ 'session.defaults': () => DEFAULTS });
    render(<LoginScreen />);
    const program = (await screen.findByRole('combobox')) as HTMLSelectElement;
    expect([...program.options].map((o) => o.textContent)).toEqual(['—', 'Logo', 'Netsis', 'Mikro', 'ETA']);
    fireEvent.change(program, { target: { value: 'mikro' } });
    expect(screen.getByLabelText('Mali Yıl')).toBeTruthy();
    expect(screen.queryByLabelText('Firma Kodu')).toBeNull();
    expect(screen.queryByLabelText('Dönem Kodu')).toBeNull();
    expect(screen.getByRole('button', { name: 'Firma/Dönem Ara' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Veri tabanı Ara' })).toBeNull();
    fireEvent.change(program, { target: { value: 'eta' } });
    expect(screen.getByRole('button', { name: 'Veri tabanı Ara' })).toBeTruthy();
    expect(screen.queryByLabelText('Mali Yıl')).toBeNull();
    expect(screen.queryByLabelText('Firma Kodu')).toBeNull();
  });

  it('logs into Mikro with the database and fiscal year picked in Firma/Dönem Ara, never a firm or period', async () => {
    const bridge = fakeBridge({
      'session.defaults': () => DEFAULTS,
      'erp.listFirmPeriods': () => [
        { firm: '001', firmName: 'Örnek Tekstil', period: '', periodBegin: '2025-01-01', periodEnd: '2025-12-31', active: false, database: 'MikroDB_V17_ORNEK', fiscalYear: 2025 },
        { firm: '001', firmName: 'Örnek Tekstil', period: '', periodBegin: '2026-01-01', periodEnd: '2026-12-31', active: true, database: 'MikroDB_V17_ORNEK', fiscalYear: 2026 },
      ],
      'session.login': () => ({ session: { ...SESSION, target: { connector: 'mikro', server: 'sqlite:/demo', database: 'MikroDB_V17_ORNEK', fiscalYear: '2026' } } }),
    });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Örnek girişi kullan' }));
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'mikro' } });
    fireEvent.change(screen.getByLabelText('Veri tabanı Adı'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Firma/Dönem Ara' }));
    fireEvent.click(await screen.findByLabelText('MikroDB_V17_ORNEK / 2026'));
    fireEvent.click(screen.getByRole('button', { name: 'Seç' }));
    fireEvent.click(screen.getByRole('button', { name: 'Tamam' }));
    expect((screen.getByLabelText('Veri tabanı Adı') as HTMLInputElement).value).toBe('MikroDB_V17_ORNEK');
    expect((screen.getByLabelText('Mali Yıl') as HTMLInputElement).value).toBe('2026');
    fireEvent.click(screen.getByRole('button', { name: 'Giriş' }));
    await waitFor(() => expect(bridge.of('session.login')).toHaveLength(1));
    const { target } = bridge.of('session.login')[0]!.input;
    expect(target).toEqual({ connector: 'mikro', server: 'sqlite:/demo', database: 'MikroDB_V17_ORNEK', fiscalYear: '2026' });
    expect(bridge.of('erp.listFirmPeriods')[0]!.input).toEqual({ target: { connector: 'mikro', server: 'sqlite:/demo' } });
  });

  it('takes the branch code for a program that keeps branches and sends it as typed for core/api to check; none for ETA', async () => {
    const withBranches = { ...DEFAULTS, connectors: DEFAULTS.connectors.map((c) => ({ ...c, branches: c.id !== 'eta' })) };
    const bridge = fakeBridge({
      'session.defaults': () => withBranches,
      'session.login': () => {
        throw apiError('ERP_BRANCH_CODE_INVALID', 'Şube kodu yalnızca rakamlardan oluşmalıdır (en fazla 4 hane; ör. 0 merkez, 1, 12).');
      },
    });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Örnek girişi kullan' }));
    fireEvent.change(screen.getByLabelText('Firma Kodu'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('Dönem Kodu'), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText('Şube Kodu'), { target: { value: '1a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Giriş' }));
    await waitFor(() => expect(bridge.of('session.login')).toHaveLength(1));
    expect(bridge.of('session.login')[0]!.input.target).toMatchObject({ connector: 'logo', branch: '1a' });
    expect((await screen.findByRole('alert')).textContent).toContain('Şube kodu');
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'eta' } });
    expect(screen.queryByLabelText('Şube Kodu')).toBeNull();
  });

  it('switches to English and back', async () => {
    fakeBridge({ 'session.defaults': () => DEFAULTS });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'English' }));
    expect(screen.getByRole('button', { name: 'Log in' })).toBeTruthy();
    expect(screen.getByLabelText('Firm code')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Türkçe' }));
    expect(screen.getByRole('button', { name: 'Giriş' })).toBeTruthy();
  });

  it('shows 002 after typing 2 and leaving the field', async () => {
    fakeBridge({ 'session.defaults': () => DEFAULTS });
    render(<LoginScreen />);
    const firm = (await screen.findByLabelText('Firma Kodu')) as HTMLInputElement;
    fireEvent.change(firm, { target: { value: '2' } });
    fireEvent.blur(firm);
    expect(firm.value).toBe('002');
    const period = screen.getByLabelText('Dönem Kodu') as HTMLInputElement;
    fireEvent.change(period, { target: { value: '1' } });
    fireEvent.blur(period);
    expect(period.value).toBe('01');
  });

  it('shows the API’s Turkish message and code when the login fails, and stays on the login screen', async () => {
    const bridge = fakeBridge({
      'session.defaults': () => DEFAULTS,
      'session.login': () => {
        throw apiError('INTEGRATOR_AUTH_FAILED', 'Entegratör (eFinans) kullanıcı adı veya şifresi hatalı.');
      },
    });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Örnek girişi kullan' }));
    fireEvent.click(screen.getByRole('button', { name: 'Giriş' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('şifresi hatalı');
    expect(alert.getAttribute('data-code')).toBe('INTEGRATOR_AUTH_FAILED');
    expect(bridge.of('session.login')[0]!.input).toMatchObject({ module: 'efatura', user: 'demo', password: 'demo123', staff: false, target: { connector: 'logo', database: 'LOGODB' } });
    expect(useSession.getState().session).toBeUndefined();
  });

  it('sends the staff flag and opens the year-end wizard when the check says so', async () => {
    const bridge = fakeBridge({
      'session.defaults': () => DEFAULTS,
      'session.login': () => ({ session: { ...SESSION, staff: true, staffUser: 'efinans.destek' }, kontor: 42 }),
      'yearend.check': () => ({ today: '2027-01-05', items: [{ needed: true }], warnings: [] }),
    });
    render(<LoginScreen />);
    fireEvent.change(await screen.findByLabelText('Kullanıcı Adı'), { target: { value: 'efinans.destek' } });
    fireEvent.change(screen.getByLabelText('Şifre'), { target: { value: 'destek123' } });
    fireEvent.click(screen.getByLabelText('eFinans Personeli'));
    expect(screen.getByText(/denetim kaydına yazılır/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Giriş' }));
    await waitFor(() => expect(useSession.getState().screen).toBe('yearend'));
    expect(bridge.of('session.login')[0]!.input.staff).toBe(true);
    expect(bridge.of('yearend.check')[0]!.input).toEqual({ sessionId: 'sess-1' });
    expect(useSession.getState().kontor).toBe(42);
  });

  it('goes to the documents when no year-end check exists', async () => {
    fakeBridge({ 'session.defaults': () => DEFAULTS, 'session.login': () => ({ session: SESSION }) });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Örnek girişi kullan' }));
    fireEvent.click(screen.getByRole('button', { name: 'Giriş' }));
    await waitFor(() => expect(useSession.getState().screen).toBe('documents'));
  });

  it('clears the last program’s firm and period when another program is chosen and never sends them', async () => {
    const bridge = fakeBridge({
      'session.defaults': () => ({ ...DEFAULTS, prefill: { connector: 'logo', server: 'sqlite:/demo', database: 'LOGODB', firm: '002', period: '02', user: 'demo' } }),
      'session.login': () => ({ session: { ...SESSION, target: { connector: 'netsis', server: 'sqlite:/demo', database: 'ANADOLUGIDA2026' } } }),
    });
    render(<LoginScreen />);
    await waitFor(() => expect((screen.getByLabelText('Firma Kodu') as HTMLInputElement).value).toBe('002'));
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'netsis' } });
    expect((screen.getByLabelText('Veri tabanı Adı') as HTMLInputElement).value).toBe('');
    fireEvent.change(screen.getByLabelText('Veri tabanı Adı'), { target: { value: 'ANADOLUGIDA2026' } });
    fireEvent.click(screen.getByRole('button', { name: 'Örnek girişi kullan' }));
    fireEvent.click(screen.getByRole('button', { name: 'Giriş' }));
    await waitFor(() => expect(bridge.of('session.login')).toHaveLength(1));
    expect(bridge.of('session.login')[0]!.input.target).toEqual({ connector: 'netsis', server: 'sqlite:/demo', database: 'ANADOLUGIDA2026' });
    // Back to Logo: the saved Logo setting's own fields return.
    fireEvent.change(screen.getByRole('combobox'), { target: { value: 'logo' } });
    expect((screen.getByLabelText('Firma Kodu') as HTMLInputElement).value).toBe('002');
  });

  it('goes straight to Bağlantı Ayarları after an integrator-only first login', async () => {
    fakeBridge({ 'session.defaults': () => DEFAULTS, 'session.login': () => ({ session: { ...SESSION, erpPending: true } }) });
    render(<LoginScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Örnek girişi kullan' }));
    fireEvent.click(screen.getByRole('button', { name: 'Giriş' }));
    await waitFor(() => expect(useSession.getState().screen).toBe('settings'));
  });
});
