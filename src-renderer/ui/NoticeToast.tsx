import { useEffect } from 'react';
import { useFloor } from '../store';

/** How long a confirmation or warning stays up; errors stay until dismissed (ErrorToast). */
const SHOW_MS = { info: 5_000, warning: 9_000 } as const;

/**
 * Confirmations ("run completed", "policy deployed") and warnings, stacked at the bottom right and
 * gone after a few seconds (data-testid="notice-toast"); errors have their own toast, which stays.
 */
export function NoticeToast() {
  const notices = useFloor((s) => s.notices);
  const dismiss = useFloor((s) => s.dismiss);
  const shown = notices.filter((n): n is typeof n & { level: 'info' | 'warning' } => n.level !== 'error');
  useEffect(() => {
    const timers = shown.map((n) => setTimeout(() => dismiss(n.id), Math.max(0, n.at + SHOW_MS[n.level] - Date.now())));
    return () => timers.forEach(clearTimeout);
  }, [shown, dismiss]);
  if (shown.length === 0) return null;
  return (
    <div className="notice-stack" role="status" aria-live="polite">
      {shown.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} data-testid="notice-toast" data-level={n.level}>
          <div>
            <div className="notice-title">{n.title}</div>
            {n.message ? <div className="notice-msg">{n.message}</div> : null}
          </div>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
