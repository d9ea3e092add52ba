import type { CoordinationEvent, Severity } from '../../src-shared/events';
import { describeInput } from '../../src-shared/inputs';
import type { Roster } from '../../src-shared/roster';
import { useFloor, type FeedEvent, type FeedTab } from '../store';

const SEVERITIES: Severity[] = ['info', 'warning', 'error', 'critical', 'emergency'];

function itemText(e: FeedEvent, symbols: string[], desks: string[]): { tag: string; cls: string; text: string } {
  switch (e.type) {
    case 'headline': {
      const sym = e.symbol !== null ? (symbols[e.symbol] ?? `#${e.symbol}`) : 'MARKET';
      const cls = e.sentiment > 0.1 ? 'pos' : e.sentiment < -0.1 ? 'neg' : 'neu';
      return { tag: sym, cls: `headline ${cls}`, text: e.text };
    }
    case 'alert':
      return { tag: e.severity.toUpperCase(), cls: `alert sev-${e.severity}`, text: `${e.source}: ${e.message}` };
    default:
      return { tag: 'INPUT', cls: 'input', text: describeInput(e.input, { desks }) };
  }
}

const METHOD: Record<string, string> = { majority: 'majority', confidenceWeighted: 'conf.-weighted', unanimous: 'unanimous' };

function VoteItem({ e, roster }: { e: CoordinationEvent; roster: Roster | null }) {
  const desk = roster?.desks[e.desk]?.name ?? `Desk ${e.desk}`;
  const sym = roster?.symbols[e.symbol]?.name ?? `#${e.symbol}`;
  const tally = { buy: 0, sell: 0, hold: 0 };
  for (const v of e.votes) tally[v.action]++;
  return (
    <li className={`feed-item vote ${e.conflict ? 'conflict' : ''}`} data-testid="vote-item">
      <span className="feed-meta">
        <span className="feed-tag">{desk}</span>
        <span className="feed-tick mono">t{e.tick}</span>
      </span>
      <span className="feed-text">
        <span className={`act act-${e.outcome}`}>{e.outcome.toUpperCase()}</span> {sym} · {METHOD[e.method] ?? e.method}{' '}
        <span className="mono faint" title="votes: buy / sell / hold">
          {tally.buy}▲ {tally.sell}▼ {tally.hold}=
        </span>
        {e.conflict ? <span className="warn"> · {e.conflict}</span> : null}
        {e.resolution ? <span className="muted"> → {e.resolution}</span> : null}
        {e.riskOverride ? <span className="neg"> · risk override</span> : null}
      </span>
    </li>
  );
}

const TABS: [FeedTab, string][] = [
  ['news', 'News'],
  ['alerts', 'Alerts'],
  ['votes', 'Votes'],
];

/**
 * Feeds: headlines, alerts (filter by severity) and the desks' coordination (votes, consensus
 * outcome, conflicts, resolutions, risk overrides), newest first. Test hooks: event-feed,
 * feed-tab-<news|alerts|votes>, vote-item.
 */
export function FeedPanel() {
  const feed = useFloor((s) => s.feed);
  const coordination = useFloor((s) => s.coordination);
  const show = useFloor((s) => s.showFeed);
  const toggle = useFloor((s) => s.toggle);
  const tab = useFloor((s) => s.feedTab);
  const setTab = useFloor((s) => s.setFeedTab);
  const severities = useFloor((s) => s.severities);
  const toggleSeverity = useFloor((s) => s.toggleSeverity);
  const roster = useFloor((s) => s.info?.roster ?? null);
  const names = roster?.symbols.map((x) => x.name) ?? [];
  const deskNames = roster?.desks.map((d) => d.name) ?? [];
  if (!show) {
    return (
      <button type="button" className="panel-tab panel-tab-left" onClick={() => toggle('showFeed', true)} title="Show the feeds (N)">
        Feeds
      </button>
    );
  }
  const items =
    tab === 'news'
      ? feed.filter((e) => e.type === 'headline' || e.type === 'input')
      : feed.filter((e) => e.type === 'alert' && severities.includes(e.severity));
  const alertCount = feed.filter((e) => e.type === 'alert').length;
  return (
    <section className="panel feed-panel" aria-label="Feeds" data-testid="event-feed">
      <header className="panel-head">
        <div className="tabs" role="tablist">
          {TABS.map(([k, label]) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={`tab ${tab === k ? 'active' : ''}`}
              data-testid={`feed-tab-${k}`}
              onClick={() => setTab(k)}
            >
              {label}
              {k === 'alerts' && alertCount > 0 ? <span className="badge">{alertCount}</span> : null}
            </button>
          ))}
        </div>
        <button type="button" className="icon-btn" onClick={() => toggle('showFeed', false)} aria-label="Hide feeds" title="Hide (N)">
          ×
        </button>
      </header>
      {tab === 'alerts' ? (
        <div className="sev-filter" aria-label="Severities shown">
          {SEVERITIES.map((s) => (
            <button
              key={s}
              type="button"
              className={`sev-chip sev-${s} ${severities.includes(s) ? 'on' : ''}`}
              aria-pressed={severities.includes(s)}
              onClick={() => toggleSeverity(s)}
              title={`Show ${s} alerts`}
            >
              {s}
            </button>
          ))}
        </div>
      ) : null}
      {tab === 'votes' ? (
        coordination.length === 0 ? (
          <p className="empty">No desk votes yet.</p>
        ) : (
          <ol className="feed">
            {coordination.map((e) => (
              <VoteItem key={`${e.sessionId}:${e.seq}`} e={e} roster={roster} />
            ))}
          </ol>
        )
      ) : items.length === 0 ? (
        <p className="empty">{tab === 'news' ? 'No headlines yet.' : 'No alerts.'}</p>
      ) : (
        <ol className="feed">
          {items.map((e) => {
            const t = itemText(e, names, deskNames);
            return (
              <li key={`${e.sessionId}:${e.seq}`} className={`feed-item ${t.cls}`}>
                <span className="feed-meta">
                  <span className="feed-tag">{t.tag}</span>
                  <span className="feed-tick mono">t{e.tick}</span>
                </span>
                <span className="feed-text">{t.text}</span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
