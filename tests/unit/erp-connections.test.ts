import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErpConnections, mapErpError, parseServer } from '../../db/erp';
import { startTdsLoginRefuser } from '../fixtures/tdsLoginRefuser';

const connections = new ErpConnections();
afterEach(async () => connections.closeAll());

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('ERP server URLs', () => {
  it('parses mssql URLs with instance, port and flags', () => {
    expect(parseServer('mssql://konnektor:p%40ss@sql01.local:1433/LOGO?encrypt=true&trustServerCertificate=false')).toMatchObject({
      kind: 'mssql',
      host: 'sql01.local',
      port: 1433,
      instanceName: 'LOGO',
      user: 'konnektor',
      password: 'p@ss',
      encrypt: true,
      trustServerCertificate: false,
    });
    expect(parseServer('sqlite:./demo')).toEqual({ kind: 'sqlite', folder: path.resolve('./demo') });
  });

  it.each(['', 'sqlite:', 'http://sql01/LOGO', 'mssql://', 'sql01:1433'])('rejects %j with ERP_SERVER_URL_INVALID', (url) => {
    expect(() => parseServer(url)).toThrow(expect.objectContaining({ code: 'ERP_SERVER_URL_INVALID' }));
  });

  it('never repeats the password in its errors', () => {
    try {
      parseServer('postgres://sa:CokGizli@host/db');
    } catch (e) {
      expect(JSON.stringify((e as { toJSON(): unknown }).toJSON())).not.toContain('CokGizli');
    }
  });
});

describe('ERP connection failures (real tedious driver)', () => {
  it('reports a closed port as ERP_SERVER_UNREACHABLE', async () => {
    expect(await codeOf(connections.database('mssql://sa:x@127.0.0.1:1?connectTimeout=3000', 'LOGODB'))).toBe('ERP_SERVER_UNREACHABLE');
  });

  it('reports a wrong password as ERP_LOGIN_FAILED', async () => {
    const server = await startTdsLoginRefuser({ number: 18456, message: "Login failed for user 'konnektor'." });
    try {
      const err = await connections.database(`mssql://konnektor:Yanlis123@127.0.0.1:${server.port}?connectTimeout=3000`, 'LOGODB').catch((e) => e);
      expect(err.code).toBe('ERP_LOGIN_FAILED');
      expect(err.userMessage).toContain('şifresi hatalı');
      expect(err.message).not.toContain('Yanlis123');
    } finally {
      await server.close();
    }
  });

  it('reports an unknown database on SQL Server as ERP_DATABASE_NOT_FOUND', async () => {
    const server = await startTdsLoginRefuser({ number: 4060, message: 'Cannot open database "YOKDB" requested by the login. The login failed.' });
    try {
      expect(await codeOf(connections.database(`mssql://sa:x@127.0.0.1:${server.port}?connectTimeout=3000`, 'YOKDB'))).toBe('ERP_DATABASE_NOT_FOUND');
    } finally {
      await server.close();
    }
  });

  it('reports a missing demo folder and a missing demo database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-erp-'));
    expect(await codeOf(connections.database(`sqlite:${path.join(dir, 'yok')}`, 'LOGODB'))).toBe('ERP_SERVER_UNREACHABLE');
    expect(await codeOf(connections.database(`sqlite:${dir}`, 'LOGODB'))).toBe('ERP_DATABASE_NOT_FOUND');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('maps SQL Server permission and schema errors to their codes', () => {
    const ctx = { server: 'mssql://sa:x@h/LOGO', database: 'LOGODB' };
    expect(mapErpError({ number: 229, message: "The SELECT permission was denied on the object 'LG_001_CLCARD'" }, ctx).code).toBe('ERP_READ_DENIED');
    expect(mapErpError({ number: 208, message: "Invalid object name 'LG_001_01_INVOICE'." }, ctx).code).toBe('ERP_TABLES_MISSING');
    const col = mapErpError({ number: 207, message: "Invalid column name 'GUID'." }, ctx);
    expect(col.code).toBe('ERP_COLUMN_MISSING');
    expect(col.details.column).toBe('GUID');
  });
});
