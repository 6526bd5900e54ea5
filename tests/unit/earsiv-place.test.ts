import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import type { SoapCall, SoapCaller } from '../../core/integrator/caller';
import { createEarsivClient } from '../../core/integrator/earsivService';
import { normalizeEarsivPlace } from '../../core/integrator/earsivPlace';

/** A caller that records each call's `input` JSON and answers AE00000. */
function recorder() {
  const inputs: Record<string, unknown>[] = [];
  const caller = {
    async call(c: SoapCall) {
      const input = c.params.find(([k]) => k === 'input');
      inputs.push(JSON.parse(String(input?.[1])) as Record<string, unknown>);
      const xml = '<r xmlns=""><return><resultCode>AE00000</resultCode></return></r>';
      return new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
    },
  } as unknown as SoapCaller;
  return { caller, inputs };
}

describe('e-Arşiv sube and kasa', () => {
  it('sends the module settings’ sube and kasa, DFLT when none is saved', async () => {
    const url = new URL('http://127.0.0.1:1/EarsivWebService');
    const withPlace = recorder();
    await createEarsivClient(withPlace.caller, { url, erpCode: 'K', branch: 'MERKEZ', till: 'KASA2' }).createInvoice({ senderVkn: '1234567890', islemId: 'u', xml: Buffer.from('<x/>') });
    expect(withPlace.inputs[0]).toMatchObject({ sube: 'MERKEZ', kasa: 'KASA2' });
    const plain = recorder();
    await createEarsivClient(plain.caller, { url, erpCode: 'K' }).createInvoice({ senderVkn: '1234567890', islemId: 'u', xml: Buffer.from('<x/>') });
    expect(plain.inputs[0]).toMatchObject({ sube: 'DFLT', kasa: 'DFLT' });
  });

  it('takes the portal’s codes as typed and refuses anything that could not name a record', () => {
    expect(normalizeEarsivPlace({ branch: ' 0001 ', till: 'kasa_1' })).toEqual({ branch: '0001', till: 'kasa_1' });
    expect(normalizeEarsivPlace({})).toEqual({ branch: 'DFLT', till: 'DFLT' });
    for (const bad of [{ branch: 'A B' }, { till: 'x;y' }, { branch: 'Ş1' }, { till: 'A'.repeat(21) }]) {
      expect(() => normalizeEarsivPlace(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'EARSIV_PLACE_INVALID' }));
    }
  });
});
