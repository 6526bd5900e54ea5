/**
 * Year-end: once a year each module moves to the accounting program's new period (Logo) or new company database
 * (Netsis, ETA). Detection at login, the wizard's plan (connection test, company check, helper objects), "GÜNCELLE"
 * and its audit, and the same steps for a change during the year.
 */
export { checkYearEnd, currentProfiles, differentYearWarnings, laterPeriods } from './detect';
export { chooseTarget, planYearEnd, resolveProfile } from './plan';
export { applyYearEnd, cancelYearEnd, listYearProfiles } from './apply';
export type * from './types';
export { listYearDocuments, type YearDocument, type YearDocuments } from './documents';
