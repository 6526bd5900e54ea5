import { create } from 'zustand';
import { en } from './en';
import { tr, type MessageKey } from './tr';

export type Language = 'tr' | 'en';

interface LanguageState {
  lang: Language;
  setLang(lang: Language): void;
}

export const useLanguage = create<LanguageState>((set) => ({
  lang: 'tr',
  setLang: (lang) => set({ lang }),
}));

export function translate(lang: Language, key: MessageKey): string {
  return (lang === 'en' ? en[key] : undefined) ?? tr[key];
}

/** `const t = useT(); t('login.submit')` */
export function useT(): (key: MessageKey) => string {
  const lang = useLanguage((s) => s.lang);
  return (key) => translate(lang, key);
}

export type { MessageKey };
