import { useState } from 'react';
import { agentDisplay, ROLE_LABEL } from '../floor/palette';
import { useFloor } from '../store';
import { useTraining } from '../store/training';
import { training } from '../training';

/**
 * Deploy a checkpoint onto the live floor (training.deploy): as a new desk, or in place of one
 * featured agent (default: the agent selected on the floor). Failures are toasts.
 * Test hooks: deploy-as-desk, deploy-as-replace (radios), deploy-agent (select), btn-deploy.
 */
export function TrainingDeploy({ checkpointId }: { checkpointId: string }) {
  const roster = useFloor((s) => s.info?.roster ?? null);
  const selectedAgent = useFloor((s) => s.selected);
  const busy = useTraining((s) => s.busy);
  const [as, setAs] = useState<'desk' | 'replace'>('desk');
  const [agent, setAgent] = useState<number | null>(null);
  const target = agent ?? selectedAgent ?? roster?.agents[0]?.index ?? null;
  const canDeploy = !busy && roster !== null && (as === 'desk' || target !== null);
  return (
    <div className="tr-deploy">
      <h3 className="tr-h">Deploy onto the floor</h3>
      <label className="tr-radio">
        <input type="radio" name="deploy-as" data-testid="deploy-as-desk" checked={as === 'desk'} onChange={() => setAs('desk')} />
        as a new desk
      </label>
      <label className="tr-radio">
        <input type="radio" name="deploy-as" data-testid="deploy-as-replace" checked={as === 'replace'} onChange={() => setAs('replace')} />
        replace agent
        <select
          data-testid="deploy-agent"
          value={target === null ? '' : String(target)}
          disabled={as !== 'replace' || !roster}
          onChange={(e) => setAgent(Number(e.target.value))}
          aria-label="Agent to replace"
        >
          {roster?.agents.map((a) => {
            const desk = roster.desks[a.desk];
            return (
              <option key={a.index} value={a.index}>
                #{a.index} {agentDisplay(a, desk?.name).title} · {ROLE_LABEL[a.role]} · {desk?.name ?? `desk ${a.desk}`}
                {a.policy ? ' (policy)' : ''}
              </option>
            );
          })}
        </select>
      </label>
      <button
        type="button"
        className="btn btn-primary btn-sm"
        data-testid="btn-deploy"
        disabled={!canDeploy}
        title={roster ? 'Put this checkpoint’s policy on the live floor' : 'No live session on the floor'}
        onClick={() => void training.deploy(as === 'desk' ? { checkpointId, as } : { checkpointId, as, agent: target ?? 0 })}
      >
        Deploy
      </button>
    </div>
  );
}
