import { create } from 'zustand';
import type { SessionView } from '../../core/api';

export type Screen = 'login' | 'yearend' | 'documents' | 'settings' | 'logs';

interface SessionState {
  session?: SessionView;
  kontor?: number;
  screen: Screen;
  /** Shown on the login screen after a session ended (expired, logged out). */
  notice?: string;
  loggedIn(session: SessionView, kontor?: number): void;
  setScreen(screen: Screen): void;
  setKontor(kontor: number | undefined): void;
  setSession(session: SessionView): void;
  loggedOut(notice?: string): void;
}

export const useSession = create<SessionState>((set) => ({
  screen: 'login',
  loggedIn: (session, kontor) => set({ session, kontor, screen: 'documents', notice: undefined }),
  setScreen: (screen) => set((s) => (s.session || screen === 'login' ? { screen } : {})),
  setKontor: (kontor) => set({ kontor }),
  setSession: (session) => set({ session }),
  loggedOut: (notice) => set({ session: undefined, kontor: undefined, screen: 'login', notice }),
}));
