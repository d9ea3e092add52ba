import { useFloor } from '../store';

export const SHORTCUTS: [string, string][] = [
  ['Space', 'Pause / resume'],
  ['[  ]', 'Slower / faster'],
  ['R', 'Reset the camera'],
  ['F', 'Fly to the selected agent'],
  ['Esc', 'Clear the selection / close this help'],
  ['N', 'Show / hide news & alerts'],
  ['B', 'Show / hide the market panel'],
  ['?', 'This help'],
  ['Drag / wheel', 'Orbit / zoom (right-drag pans)'],
  ['Click an avatar', 'Select it and read its reasoning'],
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
