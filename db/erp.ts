import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import Database from 'better-sqlite3';
import { KonnektorError, isKonnektorError, type ErrorCode } from '../core/errors';
import { redactServer } from '../core/erp/target';
import { validateDatabaseName } from '../core/erp/codes';
import { logger } from '../core/logging';
import { registerUrlSecrets } from '../core/secrets';
import { registerTurkishFunctions } from './sqliteFunctions';

/** knex's own messages go to the application log (redacted), never straight to the console. */
export const knexLog = {
  // Connection failures arrive here too; they are mapped to error codes and reported by the caller.
  warn: (m: unknown) => logger.debug('knex', { detail: String(m) }),
  error: (m: unknown) => logger.debug('knex', { detail: String(m) }),
  deprecate: (m: unknown) => logger.debug('knex', { detail: String(m) }),
  debug: (m: unknown) => logger.debug('knex', { detail: String(m) }),
};

/**
 * Connections to accounting databases. Production is SQL Server through knex's `mssql` client (tedious);
 * the bundled demo and the tests use a folder of SQLite files, one file per database, with the same table and
 * column names. Connector code only ever sees a knex instance and builds every query with knex's query builder.
 */
export type ErpServer =
  | { kind: 'sqlite'; folder: string }
  | {
      kind: 'mssql';
      host: string;
      port?: number;
      instanceName?: string;
      user: string;
      password: string;
      encrypt: boolean;
      trustServerCertificate: boolean;
      connectTimeoutMs: number;
    };

export type ErpDialect = ErpServer['kind'];

export function parseServer(url: string): ErpServer {
  const text = url.trim();
  // From here on no log line or error of this process shows the password, whatever message it ends up in.
  registerUrlSecrets(text);
  if (text.startsWith('sqlite:')) {
    const folder = text.slice('sqlite:'.length);
    if (folder === '') throw new KonnektorError('ERP_SERVER_URL_INVALID', 'sqlite: URL without a folder', { value: url });
    return { kind: 'sqlite', folder: path.resolve(folder) };
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new KonnektorError('ERP_SERVER_URL_INVALID', `Not a server URL: ${redactServer(text)}`, { value: redactServer(text) });
  }
  if (parsed.protocol !== 'mssql:' || parsed.hostname === '') {
    throw new KonnektorError('ERP_SERVER_URL_INVALID', `Expected mssql://… or sqlite:<folder>, got ${redactServer(text)}`, {
      value: redactServer(text),
    });
  }
  // A `%` not followed by two hex digits cannot be decoded: the address is wrong, not Konnektör.
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new KonnektorError('ERP_SERVER_URL_INVALID', `The ${what} in the server URL has a % that is not followed by two hex digits (write % as %25)`, {
        value: redactServer(text),
      });
    }
  };
  const instanceName = decode(parsed.pathname.replace(/^\//, ''), 'instance name') || undefined;
  const flag = (name: string, fallback: boolean): boolean => {
    const v = parsed.searchParams.get(name);
    return v === null ? fallback : v === 'true' || v === '1' || v === 'yes';
  };
  const timeout = Number(parsed.searchParams.get('connectTimeout') ?? '15000');
  const password = decode(parsed.password, 'password');
  return {
    kind: 'mssql',
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : undefined,
    instanceName,
    user: decode(parsed.username, 'user name'),
    password,
    // Accounting servers on a LAN mostly run with self-signed certificates.
    encrypt: flag('encrypt', false),
    trustServerCertificate: flag('trustServerCertificate', true),
    connectTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 15000,
  };
}

/** Where an error happened, for its message. */
interface ErrorContext {
  server: string;
  database?: string;
}

/** Turns driver errors (tedious, mssql, better-sqlite3, file system) into Konnektör's stable error codes. */
export function mapErpError(e: unknown, ctx: ErrorContext): KonnektorError {
  if (isKonnektorError(e)) return e;
  const err = e as { code?: string; number?: number; message?: string; originalError?: { code?: string; message?: string } };
  const message = String(err?.message ?? e);
  const number = err?.number;
  const code = err?.code ?? err?.originalError?.code;
  const where = { server: redactServer(ctx.server), ...(ctx.database ? { database: ctx.database } : {}) };
  const make = (c: ErrorCode, extra: Record<string, unknown> = {}) =>
    new KonnektorError(c, `${message} [${where.server}${ctx.database ? ` / ${ctx.database}` : ''}]`, { ...where, ...extra }, { cause: e });

  // SQL Server error numbers (sys.messages): 18456 login failed, 4060 cannot open database,
  // 229/230 permission denied, 208 invalid object name, 207 invalid column name.
  if (number === 4060 || /Cannot open database/i.test(message)) return make('ERP_DATABASE_NOT_FOUND');
  if (number === 18456 || (code === 'ELOGIN' && /login failed/i.test(message))) return make('ERP_LOGIN_FAILED');
  if (code === 'ELOGIN') return make('ERP_LOGIN_FAILED');
  if (code === 'ESOCKET' || code === 'ETIMEOUT' || code === 'EINSTLOOKUP' || code === 'ECONNCLOSED') return make('ERP_SERVER_UNREACHABLE');
  if (number === 229 || number === 230 || /permission was denied/i.test(message)) return make('ERP_READ_DENIED');
  if (number === 208 || /no such table|Invalid object name/i.test(message)) return make('ERP_TABLES_MISSING', { tables: [] });
  const column = /no such column: (\S+)|Invalid column name '([^']+)'/i.exec(message);
  if (number === 207 || column) return make('ERP_COLUMN_MISSING', { column: column?.[1] ?? column?.[2] });
  if (code === 'SQLITE_READONLY' || /readonly database/i.test(message)) return make('ERP_WRITE_DENIED');
  return make('ERP_QUERY_FAILED');
}

/** Runs driver work on one database and turns any driver error into Konnektör's error codes. */
export async function withErpErrors<T>(erp: { server: string; name: string }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw mapErpError(e, { server: erp.server, database: erp.name });
  }
}

/** An open accounting database. */
export interface ErpDatabase {
  readonly dialect: ErpDialect;
  readonly name: string;
  readonly db: Knex;
  /** Server URL as given (may hold a password: never log it, use redactServer). */
  readonly server: string;
}

const READ_UNCOMMITTED = 1; // tedious ISOLATION_LEVEL.READ_UNCOMMITTED: read like WITH (NOLOCK), never block the ERP.

function mssqlKnex(server: Extract<ErpServer, { kind: 'mssql' }>, database: string): Knex {
  return knexFactory({
    client: 'mssql',
    connection: {
      server: server.host,
      ...(server.port ? { port: server.port } : {}),
      user: server.user,
      password: server.password,
      database,
      connectionTimeout: server.connectTimeoutMs,
      requestTimeout: 120000,
      options: {
        encrypt: server.encrypt,
        trustServerCertificate: server.trustServerCertificate,
        ...(server.instanceName ? { instanceName: server.instanceName } : {}),
        appName: 'Konnektor',
        connectionIsolationLevel: READ_UNCOMMITTED,
      } as Knex.MsSqlConnectionConfig['options'],
    },
    pool: { min: 0, max: 4 },
    log: knexLog,
  });
}

function sqliteKnex(file: string): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file, options: { fileMustExist: true } } as Knex.Sqlite3ConnectionConfig,
    useNullAsDefault: true,
    log: knexLog,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: Database.Database, done: (err: Error | null, conn: Database.Database) => void) {
        try {
          conn.pragma('busy_timeout = 5000');
          registerTurkishFunctions(conn);
          done(null, conn);
        } catch (e) {
          done(e as Error, conn);
        }
      },
    },
  });
}

/**
 * Opens (and caches) connections per server and database. One instance lives as long as the app or command;
 * `closeAll` releases every pool.
 */
export class ErpConnections {
  private readonly open = new Map<string, Promise<ErpDatabase>>();

  async database(serverUrl: string, databaseName: string): Promise<ErpDatabase> {
    const name = validateDatabaseName(databaseName);
    const key = `${serverUrl}\u0000${name.toLowerCase()}`;
    let pending = this.open.get(key);
    if (!pending) {
      pending = this.connect(serverUrl, name);
      this.open.set(key, pending);
      pending.catch(() => this.open.delete(key));
    }
    return pending;
  }

  private async connect(serverUrl: string, name: string): Promise<ErpDatabase> {
    const server = parseServer(serverUrl);
    const ctx = { server: serverUrl, database: name };
    if (server.kind === 'sqlite') {
      if (!fs.existsSync(server.folder) || !fs.statSync(server.folder).isDirectory()) {
        throw new KonnektorError('ERP_SERVER_UNREACHABLE', `Demo database folder does not exist: ${server.folder}`, {
          server: serverUrl,
        });
      }
      const file = sqliteFileOf(server.folder, name);
      if (!file) throw new KonnektorError('ERP_DATABASE_NOT_FOUND', `No database ${name} in ${server.folder}`, { database: name });
      const db = sqliteKnex(file);
      try {
        await db.raw('select 1');
      } catch (e) {
        await db.destroy();
        throw mapErpError(e, ctx);
      }
      return { dialect: 'sqlite', name, db, server: serverUrl };
    }
    const db = mssqlKnex(server, name);
    try {
      await db.raw('select 1');
    } catch (e) {
      await db.destroy();
      throw mapErpError(e, ctx);
    }
    return { dialect: 'mssql', name, db, server: serverUrl };
  }

  /** The "Veri tabanı Ara" list: databases on the server the login can see. */
  async listDatabases(serverUrl: string): Promise<string[]> {
    const server = parseServer(serverUrl);
    if (server.kind === 'sqlite') {
      if (!fs.existsSync(server.folder)) {
        throw new KonnektorError('ERP_SERVER_UNREACHABLE', `Demo database folder does not exist: ${server.folder}`, { server: serverUrl });
      }
      return fs
        .readdirSync(server.folder)
        .filter((f) => f.endsWith('.sqlite'))
        .map((f) => f.slice(0, -'.sqlite'.length))
        .sort((a, b) => a.localeCompare(b, 'tr-TR'));
    }
    const master = await this.database(serverUrl, 'master');
    try {
      const rows = (await listDatabasesQuery(master.db)) as { name: string }[];
      return rows.map((r) => r.name);
    } catch (e) {
      throw mapErpError(e, { server: serverUrl, database: 'master' });
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (p) => p.then((d) => d.db.destroy()).catch(() => undefined)));
  }
}

/** Online user databases (system databases have ids 1–4). */
export function listDatabasesQuery(db: Knex): Knex.QueryBuilder {
  return db.from('sys.databases').select('name').where('state', 0).andWhere('database_id', '>', 4).orderBy('name');
}

function sqliteFileOf(folder: string, name: string): string | undefined {
  const exact = path.join(folder, `${name}.sqlite`);
  if (fs.existsSync(exact)) return exact;
  // SQL Server database names are case-insensitive; so is the demo server.
  const wanted = `${name}.sqlite`.toLocaleLowerCase('tr-TR');
  const match = fs.readdirSync(folder).find((f) => f.toLocaleLowerCase('tr-TR') === wanted);
  return match ? path.join(folder, match) : undefined;
}

/** Columns of the given tables, upper-cased: what a connection test compares with the connector's needs. */
export async function describeColumns(erp: ErpDatabase, tables: string[]): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  if (tables.length === 0) return result;
  let rows: { TABLE_NAME: string; COLUMN_NAME: string }[];
  if (erp.dialect === 'mssql') {
    rows = await erp.db('INFORMATION_SCHEMA.COLUMNS').select('TABLE_NAME', 'COLUMN_NAME').whereIn('TABLE_NAME', tables);
  } else {
    const placeholders = tables.map(() => '?').join(', ');
    rows = await erp.db.raw(
      `select m.name as TABLE_NAME, p.name as COLUMN_NAME from sqlite_master m join pragma_table_info(m.name) p
       where m.type in ('table', 'view') and upper(m.name) in (${placeholders})`,
      tables.map((t) => t.toUpperCase()),
    );
  }
  for (const r of rows) {
    const t = r.TABLE_NAME.toUpperCase();
    let set = result.get(t);
    if (!set) result.set(t, (set = new Set()));
    set.add(r.COLUMN_NAME.toUpperCase());
  }
  return result;
}
