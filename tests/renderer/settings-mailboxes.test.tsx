// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsScreen } from '../../renderer/screens/SettingsScreen';
import { useSession } from '../../renderer/store/session';
import { DEFAULTS, SESSION, apiError, fakeBridge } from './fakeBridge';

const GB = ['urn:mail:defaultgb@ornek.com.tr', 'urn:mail:merkezgb@ornek.com.tr'];
const settings = (over: Record<string, unknown> = {}) => ({
  module: 'efatura',
  target: { ...SESSION.target, branch: '1' },
  integrator: SESSION.integrator,
  user: 'demo',
  connector: { ...DEFAULTS.connectors[0], branches: true },
  integratorEditable: false,
  ownMailboxes: { gb: GB, pk: ['urn:mail:defaultpk@ornek.com.tr'] },
  ...over,
});

describe('Bağlantı Ayarları: branch, own mailboxes, e-Arşiv sube/kasa', () => {
  beforeEach(() => useSession.setState({ session: SESSION as never, screen: 'settings', kontor: undefined, notice: undefined }));
  afterEach(cleanup);

  it('shows the PK, offers the company’s own GB aliases and saves the one chosen with the branch', async () => {
    const bridge = fakeBridge({
      'settings.get': () => settings(),
      'settings.save': () => settings({ ownMailboxes: { gb: GB, pk: [], senderAlias: GB[1] } }),
      'session.get': () => SESSION,
      'session.status': () => ({}),
    });
    render(<SettingsScreen />);
    expect((await screen.findByTestId('own-pk')).textContent).toContain('urn:mail:defaultpk@ornek.com.tr');
    expect((screen.getByLabelText('Şube Kodu') as HTMLInputElement).value).toBe('1');
    const select = screen.getByLabelText('Gönderici birimi etiketi (GB)') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['', ...GB]);
    fireEvent.change(select, { target: { value: GB[1] } });
    fireEvent.click(screen.getByRole('button', { name: 'GÜNCELLE' }));
    await waitFor(() => expect(bridge.of('settings.save')).toHaveLength(1));
    expect(bridge.of('settings.save')[0]!.input).toMatchObject({ senderAlias: GB[1], target: { branch: '1' } });
    expect(bridge.of('settings.save')[0]!.input).not.toHaveProperty('earsivPlace');
  });

  it('takes e-Arşiv’s sube and kasa and shows a refused code in Turkish', async () => {
    const bridge = fakeBridge({
      'settings.get': () => settings({ module: 'earsiv', ownMailboxes: undefined, earsivPlace: { branch: 'DFLT', till: 'DFLT' } }),
      'settings.save': () => {
        throw apiError('EARSIV_PLACE_INVALID', 'e-Arşiv şube ve kasa kodları eFinans portalındaki tanımlarla aynı olmalıdır.');
      },
    });
    render(<SettingsScreen />);
    const sube = (await screen.findByLabelText('e-Arşiv Şube')) as HTMLInputElement;
    expect(sube.value).toBe('DFLT');
    expect(screen.queryByLabelText('Gönderici birimi etiketi (GB)')).toBeNull();
    fireEvent.change(sube, { target: { value: 'MERKEZ 1' } });
    fireEvent.change(screen.getByLabelText('e-Arşiv Kasa'), { target: { value: 'K1' } });
    fireEvent.click(screen.getByRole('button', { name: 'GÜNCELLE' }));
    expect((await screen.findByRole('alert')).getAttribute('data-code')).toBe('EARSIV_PLACE_INVALID');
    expect(bridge.of('settings.save')[0]!.input).toMatchObject({ earsivPlace: { branch: 'MERKEZ 1', till: 'K1' } });
  });
});
