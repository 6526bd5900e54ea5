import { create } from 'zustand';
import type { SessionView } from '../../core/api';

export type Screen = 'login' | 'yearend' | 'documents' | 'incoming' | 'settings' | 'logs';

interface SessionState {
  session?: SessionView;
  kontor?: number;
  /** The balance under which the status bar warns (Bağlantı Ayarları); undefined: never. */
  kontorThreshold?: number;
  screen: Screen;
  /** Shown on the login screen after a session ended (expired, logged out). */
  notice?: string;
  loggedIn(session: SessionView, kontor?: number, kontorThreshold?: number): void;
  setScreen(screen: Screen): void;
  setKontor(kontor: number | undefined, kontorThreshold?: number): void;
  setSession(session: SessionView): void;
  loggedOut(notice?: string): void;
}

export const useSession = create<SessionState>((set) => ({
  screen: 'login',
  loggedIn: (session, kontor, kontorThreshold) => set({ session, kontor, kontorThreshold, screen: 'documents', notice: undefined }),
  setScreen: (screen) => set((s) => (s.session || screen === 'login' ? { screen } : {})),
  setKontor: (kontor, kontorThreshold) => set({ kontor, kontorThreshold }),
  setSession: (session) => set({ session }),
  loggedOut: (notice) => set({ session: undefined, kontor: undefined, kontorThreshold: undefined, screen: 'login', notice }),
}));
