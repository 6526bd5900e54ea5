import { useCallback, useEffect, useState } from 'react';
import type { StartupStatus } from '../core/api';
import { ApiError, invoke } from './api';
import { StatusBar } from './components/StatusBar';
import { formatDateTime, formatTime } from './format';
import { useT } from './i18n';
import { DocumentsScreen } from './screens/DocumentsScreen';
import { EdefterScreen } from './screens/EdefterScreen';
import { IncomingScreen } from './screens/IncomingScreen';
import { LoginScreen } from './screens/LoginScreen';
import { LogsScreen } from './screens/LogsScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { StartupScreen } from './screens/StartupScreen';
import { YearEndWizard } from './screens/yearend';
import { useDocuments } from './store/documents';
import { useIncoming } from './store/incoming';
import { useSession, type Screen } from './store/session';

/** How often a logged-in screen checks that its session is still alive (expiry, especially of staff sessions). */
const SESSION_CHECK_MS = 30_000;
/** How often the start-up screen asks how far Konnektör has got. */
const STARTUP_POLL_MS = 500;

/** Until the API is up, the start-up's steps; then the app. */
function useStartup(): { ready: boolean; status?: StartupStatus } {
  const [state, setState] = useState<{ ready: boolean; status?: StartupStatus }>({ ready: false });
  useEffect(() => {
    let live = true;
    const poll = async () => {
      while (live) {
        try {
          // A host without start-up steps to report (an older bridge) answers that it has no such method: ready.
          const status: StartupStatus | undefined = await invoke('app.startup', {}).catch((e: unknown) => {
            if (e instanceof ApiError && e.code === 'INPUT_INVALID') return undefined;
            throw e;
          });
          if (!live) return;
          if (!status || status.ready) return setState({ ready: true });
          setState({ ready: false, status });
          if (status.error) return;
        } catch {
          // The bridge is not answering yet: ask again.
        }
        await new Promise((r) => setTimeout(r, STARTUP_POLL_MS));
      }
    };
    void poll();
    return () => {
      live = false;
    };
  }, []);
  return state;
}

function StaffBanner() {
  const t = useT();
  const session = useSession((s) => s.session);
  if (!session?.staff) return null;
  return (
    <div className="staff-banner" role="note" data-testid="staff-banner">
      <b>{t('staff.banner')}</b>: {session.staffUser} → {session.user}
      {session.companyName ? ` (${session.companyName})` : ''}. {t('staff.audited')} {t('staff.expires')}:{' '}
      <time dateTime={session.expiresAt} title={formatDateTime(session.expiresAt)} data-testid="staff-expires">
        {formatTime(session.expiresAt)}
      </time>
    </div>
  );
}

export function App() {
  const startup = useStartup();
  if (!startup.ready) return <StartupScreen status={startup.status} />;
  return <ReadyApp />;
}

function ReadyApp() {
  const t = useT();
  const { session, screen, setScreen, loggedOut } = useSession();
  const resetDocumentList = useDocuments((s) => s.reset);
  const resetIncoming = useIncoming((s) => s.reset);
  const resetDocuments = useCallback(() => {
    resetDocumentList();
    resetIncoming();
  }, [resetDocumentList, resetIncoming]);

  const logout = useCallback(
    async (notice?: string) => {
      if (session) await invoke('session.logout', { sessionId: session.id }).catch(() => undefined);
      resetDocuments();
      loggedOut(notice);
    },
    [session, loggedOut, resetDocuments],
  );

  useEffect(() => {
    if (!session) return;
    const timer = setInterval(() => {
      invoke('session.get', { sessionId: session.id }).catch((e: { code?: string; message?: string }) => {
        if (e.code === 'AUTH_SESSION_EXPIRED' || e.code === 'AUTH_REQUIRED') {
          resetDocuments();
          loggedOut(e.message);
        }
      });
    }, SESSION_CHECK_MS);
    return () => clearInterval(timer);
  }, [session, loggedOut, resetDocuments]);

  if (!session || screen === 'login') return <LoginScreen />;

  if (screen === 'yearend') {
    return (
      <div className="app">
        <StaffBanner />
        <YearEndWizard sessionId={session.id} onDone={() => setScreen('documents')} onCancel={() => setScreen('documents')} />
      </div>
    );
  }

  // An integrator-only first login has no ERP side yet: Bağlantı Ayarları first.
  const tabs: [Screen, string][] = [
    ...(session.erpPending ? [] : ([['documents', t('nav.documents')]] as [Screen, string][])),
    ...((session.incomingKinds ?? []).length > 0 ? ([['incoming', t('nav.incoming')]] as [Screen, string][]) : []),
    ['settings', t('nav.settings')],
    ...(session.staff ? ([['logs', t('nav.logs')]] as [Screen, string][]) : []),
  ];
  return (
    <div className={`app${session.staff ? ' staff' : ''}`}>
      <StaffBanner />
      <nav className="tabs">
        <b className="module-title">{session.moduleTitle}</b>
        {tabs.map(([id, label]) => (
          <button key={id} type="button" className={screen === id ? 'active' : ''} aria-current={screen === id ? 'page' : undefined} onClick={() => setScreen(id)}>
            {label}
          </button>
        ))}
        <span className="spacer" />
        <button type="button" onClick={() => void logout()}>
          {t('nav.logout')}
        </button>
      </nav>
      <div className="content">
        {screen === 'documents' && !session.erpPending ? session.module === 'edefter' ? <EdefterScreen /> : <DocumentsScreen /> : null}
        {screen === 'incoming' && (session.incomingKinds ?? []).length > 0 ? <IncomingScreen /> : null}
        {screen === 'settings' ? <SettingsScreen /> : null}
        {screen === 'logs' && session.staff ? <LogsScreen /> : null}
      </div>
      <StatusBar />
    </div>
  );
}
