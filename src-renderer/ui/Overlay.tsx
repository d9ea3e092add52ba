import { commands } from '../controller';
import { useFloor } from '../store';

/** Loading and empty states over the floor: connecting, loading, starting, no session. */
export function Overlay() {
  const phase = useFloor((s) => s.phase);
  const conn = useFloor((s) => s.conn);
  const hasInfo = useFloor((s) => s.info !== null);
  // once a floor is on screen, problems are reported by the toast, not by covering the floor
  if (phase === 'ready' || (hasInfo && phase !== 'none')) return null;
  let title = '';
  let detail = '';
  let action: React.ReactNode = null;
  switch (phase) {
    case 'connecting':
      title = conn.state === 'reconnecting' ? 'Reconnecting to the host…' : 'Connecting to the host…';
      detail = conn.reason ?? 'Opening the session channel.';
      break;
    case 'loading':
      title = 'Loading the session…';
      detail = 'Fetching the floor roster.';
      break;
    case 'starting':
      title = 'Starting a new session…';
      detail = 'Spinning up the market, the crowd and the desks.';
      break;
    case 'none':
      title = 'No session is running';
      detail = 'Start a session to open the floor.';
      action = (
        <button type="button" className="btn btn-primary" onClick={() => void commands.start()}>
          Start session
        </button>
      );
      break;
    case 'error':
      title = 'The session could not be loaded';
      detail = 'See the message above.';
      break;
  }
  return (
    <div className="overlay" data-testid="floor-overlay" data-phase={phase}>
      <div className="overlay-card">
        {phase === 'connecting' || phase === 'loading' || phase === 'starting' ? <div className="spinner" aria-hidden="true" /> : null}
        <h1>{title}</h1>
        <p>{detail}</p>
        {action}
      </div>
    </div>
  );
}
