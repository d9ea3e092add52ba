import { useEffect, useState } from 'react';
import { commands } from '../controller';
import { useFloor } from '../store';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/**
 * One error toast (data-testid="error-toast"), showing the most important problem: a crashed worker
 * (with Restart → session.restart), a lost connection (with Reconnect now), a failed start-up, or
 * failed commands. Never a blank screen: the floor and panels stay up underneath.
 */
export function ErrorToast() {
  const status = useFloor((s) => s.status);
  const info = useFloor((s) => s.info);
  const conn = useFloor((s) => s.conn);
  const everConnected = useFloor((s) => s.everConnected);
  const phase = useFloor((s) => s.phase);
  const phaseError = useFloor((s) => s.phaseError);
  const notices = useFloor((s) => s.notices);
  const dismiss = useFloor((s) => s.dismiss);
  const [restarting, setRestarting] = useState(false);
  const disconnected = conn.state !== 'open' && (everConnected || conn.attempt >= 2);
  const now = useNow(disconnected);

  const crashed = status?.health === 'crashed' && (!info || status.sessionId === info.sessionId || status.sessionId === null);
  let body: React.ReactNode = null;
  if (disconnected) {
    const secs = conn.retryAt ? Math.max(0, Math.ceil((conn.retryAt - now) / 1000)) : 0;
    body = (
      <>
        <div className="toast-title">Connection to the host lost</div>
        <div className="toast-msg">
          {conn.reason ?? 'The connection dropped.'} {conn.state === 'reconnecting' ? `Reconnecting${secs > 0 ? ` in ${secs}s` : '…'} (attempt ${conn.attempt}).` : ''}
        </div>
        <div className="toast-actions">
          <button type="button" className="btn btn-primary" onClick={() => commands.reconnectNow()}>
            Reconnect now
          </button>
        </div>
      </>
    );
  } else if (crashed) {
    body = (
      <>
        <div className="toast-title">The simulation worker crashed</div>
        <div className="toast-msg">{status?.error ?? 'No details were reported.'}</div>
        <div className="toast-actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="btn-restart"
            disabled={restarting}
            onClick={() => {
              setRestarting(true);
              void commands.restart().finally(() => setRestarting(false));
            }}
          >
            {restarting ? 'Restarting…' : 'Restart'}
          </button>
        </div>
      </>
    );
  } else if (phase === 'error') {
    body = (
      <>
        <div className="toast-title">Could not load the session</div>
        <div className="toast-msg">{phaseError}</div>
        <div className="toast-actions">
          <button type="button" className="btn btn-primary" onClick={() => commands.retryBoot()}>
            Retry
          </button>
        </div>
      </>
    );
  }
  const errors = notices.filter((n) => n.level === 'error');
  if (!body && errors.length === 0) return null;
  return (
    <div className="toast toast-error" role="alert" aria-live="assertive" data-testid="error-toast">
      {body}
      {errors.map((n) => (
        <div key={n.id} className="toast-notice">
          <div>
            <div className="toast-title">{n.title}</div>
            <div className="toast-msg">{n.message}</div>
          </div>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
