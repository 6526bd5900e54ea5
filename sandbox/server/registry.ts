import type { RegisteredUser } from '../../core/documents/userList';
import type { SandboxDb } from './store';

/** GİB's registered-user list as the integrator holds it (one row per taxpayer, aliases as JSON). */
export function upsertRegisteredUsers(db: SandboxDb, users: readonly RegisteredUser[]): void {
  const put = db.prepare(
    `INSERT INTO registered_users (identifier, title, type, first_creation_time, account_type, documents) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(identifier) DO UPDATE SET title = excluded.title, type = excluded.type, first_creation_time = excluded.first_creation_time,
     account_type = excluded.account_type, documents = excluded.documents`,
  );
  db.transaction(() => {
    for (const u of users) put.run(u.identifier, u.title, u.type, u.firstCreationTime ?? null, u.accountType ?? null, JSON.stringify(u.documents));
  })();
}

interface Row {
  identifier: string;
  title: string;
  type: string;
  first_creation_time: string | null;
  account_type: string | null;
  documents: string;
}

const fromRow = (r: Row): RegisteredUser => ({
  identifier: r.identifier,
  title: r.title,
  type: r.type === 'KAMU' ? 'KAMU' : 'OZEL',
  ...(r.first_creation_time ? { firstCreationTime: r.first_creation_time } : {}),
  ...(r.account_type ? { accountType: r.account_type } : {}),
  documents: JSON.parse(r.documents) as RegisteredUser['documents'],
});

export function loadRegisteredUsers(db: SandboxDb): RegisteredUser[] {
  return (db.prepare('SELECT * FROM registered_users ORDER BY identifier').all() as Row[]).map(fromRow);
}

export function findRegisteredUser(db: SandboxDb, identifier: string): RegisteredUser | undefined {
  const row = db.prepare('SELECT * FROM registered_users WHERE identifier = ?').get(identifier) as Row | undefined;
  return row ? fromRow(row) : undefined;
}

/** The open (not deleted) e-Fatura mailboxes (PK aliases) of a taxpayer; the first is the default. */
export function activeInvoiceAliases(user: RegisteredUser): { name: string; creationTime?: string }[] {
  return activeAliases(user, 'Invoice');
}

/** The open mailboxes of a taxpayer for one document: e-Fatura (Invoice) or e-İrsaliye (DespatchAdvice), kept apart. */
export function activeAliases(user: RegisteredUser, type: 'Invoice' | 'DespatchAdvice'): { name: string; creationTime?: string }[] {
  return user.documents.filter((d) => d.type === type).flatMap((d) => d.aliases.filter((a) => !a.deletionTime));
}
