import { useEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  CrosshairMode,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { BUY_HEX, DESK_HEX, SELL_HEX } from '../floor/palette';
import { BAR_TICKS, series, type Bar } from '../series';
import { useFloor } from '../store';
import { CHART_BORDER, chartTheme } from './chart-theme';

/**
 * Charts (TradingView Lightweight Charts, Apache-2.0): candlesticks + volume per symbol, built from
 * the frame batches' per-tick prices (series.ts), with the trades of a chosen desk as markers; or
 * the desks' P&L lines. The chart and its series are created ONCE; a 4 Hz timer pushes only the
 * bars that changed (series.update), and calls setData only when the symbol, desk, mode or session
 * changes. The time axis is in ticks (one candle = BAR_TICKS ticks).
 *
 * Test hooks: chart-panel (data-bars = candles drawn, data-markers = trade markers drawn),
 * chart-symbol, chart-desk, chart-mode (<select>s).
 */


const ts = (t: number) => t as UTCTimestamp;
const tickLabel = (t: Time) => `t${typeof t === 'number' ? t : String(t)}`;

interface Drawn {
  epoch: number;
  symbol: number;
  desk: number | null;
  mode: string;
  /** time of the last bar pushed for the symbol / per desk line */
  lastBar: number;
  lastEquity: number[];
  tradesKey: string;
  version: number;
}

export function ChartPanel() {
  const show = useFloor((s) => s.showCharts);
  const toggle = useFloor((s) => s.toggle);
  const roster = useFloor((s) => s.info?.roster ?? null);
  const symbol = useFloor((s) => s.chartSymbol);
  const desk = useFloor((s) => s.chartDesk);
  const mode = useFloor((s) => s.chartMode);
  const setChart = useFloor((s) => s.setChart);
  const host = useRef<HTMLDivElement | null>(null);
  const panel = useRef<HTMLElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [empty, setEmpty] = useState(true);
  const desks = roster?.desks.length ?? 0;

  useEffect(() => {
    const el = host.current;
    if (!show || !el || desks === 0) return;
    let chart: IChartApi;
    try {
      chart = createChart(el, {
        ...chartTheme(),
        timeScale: { borderColor: CHART_BORDER, tickMarkFormatter: tickLabel, rightOffset: 4, barSpacing: 7 },
        localization: { timeFormatter: tickLabel },
        crosshair: { mode: CrosshairMode.Normal },
      });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return;
    }
    setError(null);
    const candles: ISeriesApi<'Candlestick'> = chart.addSeries(CandlestickSeries, {
      upColor: BUY_HEX,
      downColor: SELL_HEX,
      wickUpColor: BUY_HEX,
      wickDownColor: SELL_HEX,
      borderVisible: false,
      priceLineWidth: 1,
    });
    const volume: ISeriesApi<'Histogram'> = chart.addSeries(HistogramSeries, {
      priceScaleId: 'vol',
      priceFormat: { type: 'volume' },
      lastValueVisible: false,
      priceLineVisible: false,
    });
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.24 } });
    const markers: ISeriesMarkersPluginApi<Time> = createSeriesMarkers(candles, []);
    const lines: ISeriesApi<'Line'>[] = [];
    for (let d = 0; d < desks; d++) {
      lines.push(
        chart.addSeries(LineSeries, {
          color: DESK_HEX[d % DESK_HEX.length],
          lineWidth: 2,
          visible: false,
          title: roster?.desks[d]?.name ?? `Desk ${d}`,
          priceFormat: { type: 'price', precision: 0, minMove: 1 },
        }),
      );
    }

    const volBar = (b: Bar) => ({ time: ts(b.time), value: b.volume, color: b.close >= b.open ? 'rgba(34,224,138,0.35)' : 'rgba(255,77,94,0.35)' });
    const candle = (b: Bar) => ({ time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close });

    const drawn: Drawn = { epoch: -1, symbol: -1, desk: null, mode: '', lastBar: -1, lastEquity: [], tradesKey: '', version: -1 };
    const refresh = () => {
      const st = useFloor.getState();
      const sym = st.chartSymbol;
      const dk = st.chartDesk;
      const md = st.chartMode;
      const full = drawn.epoch !== series.epoch || drawn.symbol !== sym || drawn.mode !== md || drawn.desk !== dk;
      if (!full && drawn.version === series.version) return;
      const bars = series.bars[sym] ?? [];
      if (full) {
        const candlesOn = md === 'candles';
        candles.applyOptions({ visible: candlesOn });
        volume.applyOptions({ visible: candlesOn });
        lines.forEach((l) => l.applyOptions({ visible: !candlesOn }));
        candles.setData(bars.map(candle));
        volume.setData(bars.map(volBar));
        drawn.lastEquity = [];
        lines.forEach((l, d) => {
          const pts = series.equity[d] ?? [];
          l.setData(pts.map((p) => ({ time: ts(p.time), value: p.value })));
          drawn.lastEquity[d] = pts[pts.length - 1]?.time ?? -1;
        });
        drawn.lastBar = bars[bars.length - 1]?.time ?? -1;
        drawn.tradesKey = '';
        if (drawn.epoch !== series.epoch || drawn.symbol !== sym || drawn.mode !== md) chart.timeScale().scrollToRealTime();
      } else {
        // push only the bars at or after the last one drawn (the forming bar, and any new ones)
        for (let i = Math.max(0, bars.length - 50); i < bars.length; i++) {
          const b = bars[i];
          if (!b || b.time < drawn.lastBar) continue;
          candles.update(candle(b));
          volume.update(volBar(b));
          drawn.lastBar = b.time;
        }
        lines.forEach((l, d) => {
          const pts = series.equity[d] ?? [];
          for (let i = Math.max(0, pts.length - 50); i < pts.length; i++) {
            const p = pts[i];
            if (!p || p.time < (drawn.lastEquity[d] ?? -1)) continue;
            l.update({ time: ts(p.time), value: p.value });
            drawn.lastEquity[d] = p.time;
          }
        });
      }
      // trade markers of the chosen desk on this symbol (rebuilt only when its trade list changed)
      const trades = dk !== null ? (series.trades[dk] ?? []) : [];
      const lastTrade = trades[trades.length - 1];
      const key = `${dk}:${sym}:${trades.length}:${lastTrade?.seq ?? -1}:${bars[0]?.time ?? -1}`;
      if (key !== drawn.tradesKey) {
        drawn.tradesKey = key;
        const first = bars[0]?.time ?? Infinity;
        const list: SeriesMarker<Time>[] = [];
        let prevKey = '';
        for (const t of trades) {
          if (t.symbol !== sym) continue;
          const bt = t.tick - (t.tick % BAR_TICKS);
          if (bt < first) continue;
          // one marker per bar and side
          const k = `${bt}:${t.side}`;
          if (k === prevKey) continue;
          prevKey = k;
          list.push(
            t.side === 'buy'
              ? { time: ts(bt), position: 'belowBar', shape: 'arrowUp', color: BUY_HEX, size: 0.8 }
              : { time: ts(bt), position: 'aboveBar', shape: 'arrowDown', color: SELL_HEX, size: 0.8 },
          );
        }
        list.sort((a, b) => Number(a.time) - Number(b.time));
        markers.setMarkers(list.slice(-200));
        panel.current?.setAttribute('data-markers', String(Math.min(200, list.length)));
      }
      drawn.epoch = series.epoch;
      drawn.symbol = sym;
      drawn.desk = dk;
      drawn.mode = md;
      drawn.version = series.version;
      panel.current?.setAttribute('data-bars', String(bars.length));
      setEmpty(md === 'candles' ? bars.length === 0 : (series.equity[0]?.length ?? 0) === 0);
    };
    refresh();
    const timer = setInterval(refresh, 250);
    return () => {
      clearInterval(timer);
      chart.remove();
    };
  }, [show, desks, roster]);

  if (!show) {
    return (
      <button type="button" className="panel-tab panel-tab-chart" onClick={() => toggle('showCharts', true)} title="Show the charts (C)">
        Charts
      </button>
    );
  }
  return (
    <section ref={panel} className="panel chart-panel" aria-label="Charts" data-testid="chart-panel" data-bars="0" data-markers="0">
      <header className="panel-head chart-head">
        <h2>Charts</h2>
        <div className="chart-controls">
          <select
            data-testid="chart-mode"
            value={mode}
            onChange={(e) => setChart({ chartMode: e.target.value === 'equity' ? 'equity' : 'candles' })}
            title="Candles and volume of one symbol, or every desk's P&L"
          >
            <option value="candles">Candles</option>
            <option value="equity">Desk P&amp;L</option>
          </select>
          {mode === 'candles' ? (
            <>
              <select data-testid="chart-symbol" value={symbol} onChange={(e) => setChart({ chartSymbol: Number(e.target.value) })} title="Symbol">
                {roster?.symbols.map((s) => (
                  <option key={s.index} value={s.index}>
                    {s.name}
                  </option>
                ))}
              </select>
              <select
                data-testid="chart-desk"
                value={desk === null ? '' : String(desk)}
                onChange={(e) => setChart({ chartDesk: e.target.value === '' ? null : Number(e.target.value) })}
                title="Mark this desk's trades on the candles (▲ buy, ▼ sell)"
              >
                <option value="">no trade marks</option>
                {roster?.desks.map((d) => (
                  <option key={d.index} value={d.index}>
                    ▲▼ {d.name}
                  </option>
                ))}
              </select>
            </>
          ) : (
            <span className="chart-legend">
              {roster?.desks.map((d) => (
                <span key={d.index}>
                  <i style={{ background: DESK_HEX[d.index % DESK_HEX.length] }} />
                  {d.name}
                </span>
              ))}
            </span>
          )}
          <button type="button" className="icon-btn" onClick={() => toggle('showCharts', false)} aria-label="Hide charts" title="Hide (C)">
            ×
          </button>
        </div>
      </header>
      <div className="chart-wrap">
        <div className="chart-host" ref={host} />
        {error ? (
          <p className="error-text chart-msg">Chart unavailable: {error}</p>
        ) : empty ? (
          <p className="empty chart-msg">Waiting for the first bars… (one candle = {BAR_TICKS} ticks)</p>
        ) : null}
      </div>
    </section>
  );
}
