import { DOMParser, type Element } from '@xmldom/xmldom';
import { create } from 'xmlbuilder2';
import { KonnektorError } from '../errors';

/**
 * GİB's registered-user list (e-FaturaPaketi/xsd/Userlist/NewUserList.xsd): UserList/User with Identifier (VKN or
 * TCKN), Title, Type (OZEL | KAMU), FirstCreationTime, AccountType and per document type the aliases (posta
 * kutusu etiketleri), with a DeletionTime once an alias is closed.
 */
export interface RegisteredUser {
  identifier: string;
  title: string;
  type: 'OZEL' | 'KAMU';
  firstCreationTime?: string;
  accountType?: string;
  documents: { type: 'Invoice' | 'DespatchAdvice'; aliases: { name: string; creationTime?: string; deletionTime?: string }[] }[];
}

const text = (el: Element, name: string): string | undefined => {
  const child = [...el.childNodes].find((n): n is Element => n.nodeType === 1 && (n as Element).localName === name);
  const value = child?.textContent?.trim();
  return value === '' ? undefined : value;
};
const children = (el: Element, name: string): Element[] =>
  [...el.childNodes].filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name);

export function parseUserList(xml: string): RegisteredUser[] {
  let doc;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw new KonnektorError('REGISTRY_FILE_INVALID', `User list is not well-formed XML: ${(e as Error).message}`);
  }
  const root = doc.documentElement;
  if (!root || root.localName !== 'UserList') throw new KonnektorError('REGISTRY_FILE_INVALID', 'Root element is not UserList');
  return children(root as unknown as Element, 'User').map((u) => {
    const identifier = text(u, 'Identifier') ?? '';
    if (!/^\d{10,11}$/.test(identifier)) {
      throw new KonnektorError('REGISTRY_FILE_INVALID', `User with an invalid identifier ${JSON.stringify(identifier)}`, { value: identifier });
    }
    const documents = children(u, 'Documents').flatMap((d) => children(d, 'Document'));
    return {
      identifier,
      title: text(u, 'Title') ?? '',
      type: text(u, 'Type') === 'KAMU' ? 'KAMU' : 'OZEL',
      ...(text(u, 'FirstCreationTime') ? { firstCreationTime: text(u, 'FirstCreationTime') } : {}),
      ...(text(u, 'AccountType') ? { accountType: text(u, 'AccountType') } : {}),
      documents: documents.map((d) => ({
        type: d.getAttribute('type') === 'DespatchAdvice' ? 'DespatchAdvice' : 'Invoice',
        aliases: children(d, 'Alias').flatMap((a) =>
          children(a, 'Name').map((n) => ({
            name: n.textContent?.trim() ?? '',
            ...(text(a, 'CreationTime') ? { creationTime: text(a, 'CreationTime') } : {}),
            ...(text(a, 'DeletionTime') ? { deletionTime: text(a, 'DeletionTime') } : {}),
          })),
        ),
      })),
    };
  });
}

export function writeUserList(users: readonly RegisteredUser[]): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('UserList');
  for (const u of users) {
    const user = root.ele('User');
    user.ele('Identifier').txt(u.identifier);
    user.ele('Title').txt(u.title);
    user.ele('Type').txt(u.type);
    user.ele('FirstCreationTime').txt(u.firstCreationTime ?? '');
    if (u.accountType) user.ele('AccountType').txt(u.accountType);
    const docs = user.ele('Documents');
    for (const d of u.documents) {
      const doc = docs.ele('Document', { type: d.type });
      for (const a of d.aliases) {
        const alias = doc.ele('Alias');
        alias.ele('Name').txt(a.name);
        alias.ele('CreationTime').txt(a.creationTime ?? '');
        if (a.deletionTime) alias.ele('DeletionTime').txt(a.deletionTime);
      }
    }
  }
  return root.end({ prettyPrint: true });
}
