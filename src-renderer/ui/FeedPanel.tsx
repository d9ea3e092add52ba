import { useFloor, type FeedEvent } from '../store';

function itemText(e: FeedEvent, symbols: string[]): { tag: string; cls: string; text: string } {
  switch (e.type) {
    case 'headline': {
      const sym = e.symbol !== null ? (symbols[e.symbol] ?? `#${e.symbol}`) : 'MARKET';
      const cls = e.sentiment > 0.1 ? 'pos' : e.sentiment < -0.1 ? 'neg' : 'neu';
      return { tag: sym, cls: `headline ${cls}`, text: e.text };
    }
    case 'alert':
      return { tag: e.severity.toUpperCase(), cls: `alert sev-${e.severity}`, text: `${e.source}: ${e.message}` };
    default:
      return { tag: 'INPUT', cls: 'input', text: JSON.stringify(e.input) };
  }
}

/** Headlines, alerts and applied inputs, newest first. */
export function FeedPanel() {
  const feed = useFloor((s) => s.feed);
  const show = useFloor((s) => s.showFeed);
  const toggle = useFloor((s) => s.toggle);
  const symbols = useFloor((s) => s.info?.roster.symbols);
  const names = symbols?.map((x) => x.name) ?? [];
  if (!show) {
    return (
      <button type="button" className="panel-tab panel-tab-left" onClick={() => toggle('showFeed', true)} title="Show the news feed (N)">
        News
      </button>
    );
  }
  return (
    <section className="panel feed-panel" aria-label="News and alerts" data-testid="event-feed">
      <header className="panel-head">
        <h2>News &amp; alerts</h2>
        <button type="button" className="icon-btn" onClick={() => toggle('showFeed', false)} aria-label="Hide news panel" title="Hide (N)">
          ×
        </button>
      </header>
      {feed.length === 0 ? (
        <p className="empty">No headlines yet.</p>
      ) : (
        <ol className="feed">
          {feed.map((e) => {
            const t = itemText(e, names);
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
