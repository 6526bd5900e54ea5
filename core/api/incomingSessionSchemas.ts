import { z } from 'zod';

/** Inputs of the Gelen Belgeler screen's methods (core/api/incomingSession.ts). */
const sessionId = z.string().min(1).max(128);
const ettn = z.string().uuid();

export const incomingSessionSchemas = {
  'session.incoming': z
    .object({
      sessionId,
      from: z.string().max(10).optional(),
      to: z.string().max(10).optional(),
      /** Sender VKN/TCKN or a part of its name. */
      sender: z.string().max(200).optional(),
      state: z.enum(['received', 'invalid', 'answering', 'answered']).optional(),
      /** Only documents whose answer window closes within this many days. */
      dueWithinDays: z.number().int().min(0).max(30).optional(),
    })
    .strict(),
  'session.incomingFetch': z.object({ sessionId }).strict(),
  'session.incomingPreview': z.object({ sessionId, ettn }).strict(),
  'session.incomingXml': z.object({ sessionId, ettn }).strict(),
  'session.incomingAnswer': z
    .object({
      sessionId,
      ettn,
      answer: z.enum(['KABUL', 'RED']),
      /** Required for RED (the supplier reads it); checked by core/incoming with its own error. */
      reason: z.string().max(1000).optional(),
    })
    .strict(),
} as const;

