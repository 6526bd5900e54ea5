import { describe, expect, it } from 'vitest';
import { endpointsFromBase } from '../../core/integrator/types';

describe('integrator endpoints', () => {
  it('maps production to QNB’s e-Fatura and e-Arşiv hosts, which differ', () => {
    const e = endpointsFromBase('production');
    expect(e.connectorService).toBe('https://efaturaconnector.qnbesolutions.com.tr/connector/ws/connectorService');
    expect(e.userService).toBe('https://efaturaconnector.qnbesolutions.com.tr/connector/ws/userService');
    expect(e.earsivService).toBe('https://earsivconnector.qnbesolutions.com.tr/earsiv/ws/EarsivWebService');
    expect(endpointsFromBase(' Canlı ')).toEqual(e);
  });

  it('maps test to the /efatura/ws/ paths of the test host', () => {
    expect(endpointsFromBase('test').connectorService).toBe('https://erpefaturatest1.qnbesolutions.com.tr/efatura/ws/connectorService');
  });

  it('derives production’s paths from any other base URL (the sandbox), ignoring a trailing slash', () => {
    expect(endpointsFromBase('http://127.0.0.1:8480/')).toEqual({
      connectorService: 'http://127.0.0.1:8480/connector/ws/connectorService',
      userService: 'http://127.0.0.1:8480/connector/ws/userService',
      earsivService: 'http://127.0.0.1:8480/earsiv/ws/EarsivWebService',
    });
  });
});
