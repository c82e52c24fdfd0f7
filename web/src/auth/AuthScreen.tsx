// Sign in and sign up: one form, two modes. Validation is the server's: its
// field messages appear beside the fields they concern. A refusal moves focus to
// the first field to fix, or to the form's message (the busy button lost it).
import { limits } from '@parley/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { authClient } from '../trpc/authClient';
import { TextField } from '../ui/TextField';
import { useAuth } from './AuthContext';
import { type FormErrors, signInErrors } from './signInErrors';

type Mode = 'login' | 'register';

export function AuthScreen() {
  const { signedIn } = useAuth();
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!errors.username && !errors.password && !errors.form) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"], .auth__error')?.focus();
  }, [errors]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const input = { username: username.trim(), password };
      const result =
        mode === 'login'
          ? await authClient.auth.login.mutate(input)
          : await authClient.auth.register.mutate(input);
      signedIn(result);
    } catch (error) {
      setErrors(signInErrors(error));
      setBusy(false);
    }
  };

  const switchMode = () => {
    setMode(mode === 'login' ? 'register' : 'login');
    setErrors({});
  };

  const registering = mode === 'register';
  return (
    <main className="auth">
      <form
        ref={form}
        className="auth__card"
        onSubmit={submit}
        noValidate
        aria-labelledby="auth-title"
      >
        <div className="auth__brand" aria-hidden="true">
          P
        </div>
        <h1 id="auth-title">{registering ? 'Create your account' : 'Welcome back'}</h1>
        <p className="auth__lead">
          {registering ? 'Sign up to keep your chats in one place.' : 'Sign in to Parley.'}
        </p>
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={errors.username}
          hint={
            registering
              ? `${limits.usernameMin}–${limits.usernameMax} letters, digits, _ . -`
              : undefined
          }
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete={registering ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          hint={registering ? `At least ${limits.passwordMin} characters` : undefined}
        />
        {errors.form && (
          <p className="auth__error" role="alert" tabIndex={-1}>
            {errors.form}
          </p>
        )}
        <button className="button button--primary button--wide" type="submit" disabled={busy}>
          {busy ? 'Please wait…' : registering ? 'Sign up' : 'Sign in'}
        </button>
        <p className="auth__switch">
          {registering ? 'Already have an account?' : 'New to Parley?'}{' '}
          <button type="button" className="link" onClick={switchMode}>
            {registering ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </form>
    </main>
  );
}
