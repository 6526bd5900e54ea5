import { z } from 'zod';
import { erpTargetInputSchema } from '../erp/target';
import { edefterSettingsSchema } from '../edefter/settings';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-AA');
const vkn = z.string().regex(/^\d{10,11}$/);
const branch = z.string().regex(/^(?!0000)\d{4}$/).optional();

/** The mali mühür to seal with: PKCS#11 module, slot index, PIN (used once, never stored), certificate (CKA_ID). */
const tokenInput = z
  .object({ module: z.string().min(1), slot: z.number().int().min(0).default(0), pin: z.string().min(1), certificateId: z.string().regex(/^[0-9a-f]+$/i).optional() })
  .strict();

/**
 * A month of a company: from a logged-in e-Defter session (`sessionId`: its ERP target and company), or given in full
 * (`target` + `vkn`, the CLI).
 */
const monthRef = { sessionId: z.string().min(1).optional(), target: erpTargetInputSchema.optional(), vkn: vkn.optional(), month, branch };

/** Input schemas of the e-Defter methods: one per user action (core/api/edefter.ts). */
export const edefterSchemas = {
  'edefter.settings.get': z.object({ vkn }).strict(),
  'edefter.settings.save': z.object({ settings: edefterSettingsSchema }).strict(),
  'edefter.months': z.object({ vkn: vkn.optional(), sessionId: z.string().min(1).optional() }).strict(),
  'edefter.check': z.object(monthRef).strict(),
  'edefter.build': z.object({ ...monthRef, outDir: z.string().min(1).optional() }).strict(),
  'edefter.tokens': z.object({ module: z.string().min(1) }).strict(),
  'edefter.certificates': tokenInput.omit({ certificateId: true }),
  'edefter.sign': z.object({ ...monthRef, token: tokenInput }).strict(),
  'edefter.send': z
    .object({
      ...monthRef,
      /** Without a session: the integrator and its web-service account (the password never stored). */
      integrator: z.string().min(1).optional(),
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      token: tokenInput.optional(),
      pollSec: z.number().positive().max(3600).optional(),
      maxPolls: z.number().int().min(1).max(10_000).optional(),
    })
    .strict(),
  'edefter.status': z.object({ vkn: vkn.optional(), sessionId: z.string().min(1).optional(), month, branch }).strict(),
  'edefter.verifyLastYevmiye': z.object({ vkn, branch, file: z.string().min(1) }).strict(),
} as const;
