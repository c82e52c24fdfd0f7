// The app's providers and the sign-in gate.
import { QueryClientProvider } from '@tanstack/react-query';
import { AuthProvider, useAuth } from '../auth/AuthContext';
import { AuthScreen } from '../auth/AuthScreen';
import { trpc } from '../trpc/trpc';
import { Spinner } from '../ui/Spinner';
import { ToastProvider } from '../ui/Toasts';
import type { Runtime } from './runtime';
import { Shell } from './Shell';

function Gate() {
  const { status, retry } = useAuth();
  if (status === 'checking') {
    return (
      <div className="splash">
        <Spinner label="Signing in" />
      </div>
    );
  }
  if (status === 'unreachable') {
    return (
      <div className="splash" role="alert">
        <p>Could not reach Parley. Check your connection.</p>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  return status === 'signedIn' ? <Shell /> : <AuthScreen />;
}

export function App({ runtime }: { runtime: Runtime }) {
  return (
    <trpc.Provider client={runtime.trpcClient} queryClient={runtime.queryClient}>
      <QueryClientProvider client={runtime.queryClient}>
        <ToastProvider>
          <AuthProvider runtime={runtime}>
            <Gate />
          </AuthProvider>
        </ToastProvider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
