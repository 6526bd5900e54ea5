import { z } from 'zod';

/** Inputs of the mailbox choice on the Belgeler screen (core/api/aliasChoice.ts). */
const sessionId = z.string().min(1).max(128);

export const aliasChoiceSchemas = {
  'session.aliasChoices': z.object({ sessionId, ettn: z.string().uuid() }).strict(),
  'session.chooseAlias': z.object({ sessionId, ettn: z.string().uuid(), alias: z.string().min(1).max(256) }).strict(),
} as const;
