import { useFloor } from '../store';

export const SHORTCUTS: [string, string][] = [
  ['Space', 'Pause / resume (play / pause a recording while one is open)'],
  ['←  →', 'One tick back / forward in a recording'],
  ['O', 'Open a recording (replay, fork, compare)'],
  ['T', 'Training: start runs, learning curves, compare, deploy a policy'],
  ['[  ]', 'Slower / faster'],
  ['R', 'Reset the camera'],
  ['F', 'Fly to the selected agent'],
  ['Esc', 'Close the open popover (pinned ones stay) / this help'],
  ['P', 'Pin the open popover'],
  ['N', 'Show / hide the feeds (news, alerts, votes)'],
  ['B', 'Show / hide the market panel'],
  ['D', 'Show / hide the scenario deck (crises, market controls)'],
  ['L', 'Show / hide the desk leaderboard'],
  ['C', 'Show / hide the charts'],
  ['S', 'Show / hide session & system'],
  ['?', 'This help'],
  ['Drag / wheel', 'Orbit / zoom (right-drag pans)'],
  ['Click an avatar', 'Open its popover: why it acted, its recent decisions'],
  ['Click a crowd figure', 'Its type, position, P&L and last order side'],
];

export function Help() {
  const show = useFloor((s) => s.showHelp);
  const toggle = useFloor((s) => s.toggle);
  if (!show) return null;
  return (
    <div className="help-backdrop" onClick={() => toggle('showHelp', false)}>
      <div className="help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, v]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="btn" onClick={() => toggle('showHelp', false)}>
          Close
        </button>
      </div>
    </div>
  );
}
