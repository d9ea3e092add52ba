import { useEffect, useRef, useState } from 'react';
import { createChart, LineSeries, LineType, type IChartApi, type ISeriesApi, type Time, type UTCTimestamp } from 'lightweight-charts';
import type { TrainingComparison, TrainingRunSummary } from '../../src-shared/training-api';
import { DESK_HEX } from '../floor/palette';
import { trainingSeries, type SeriesPoint } from '../training';
import { CHART_BORDER, chartTheme } from './chart-theme';

/**
 * A training run's learning curves (lightweight-charts; the time axis is env steps): mean return;
 * policy and value losses; entropy, approx KL, clip fraction, explained variance; steps per second
 * with the curriculum level as a step line. Charts and series are created once per run shown; a
 * 4 Hz timer appends only the points added since the last look (series.update), and redraws whole
 * (setData) only when the run's series was reloaded. Also the compare chart (mean return of 2+ runs).
 *
 * Test hooks: training-charts (data-run, data-points = points drawn), training-compare-chart
 * (data-runs, data-points).
 */

const ts = (t: number) => t as UTCTimestamp;

export function fmtSteps(t: number): string {
  if (t >= 1e6) return `${(t / 1e6).toFixed(t % 1e6 === 0 ? 0 : 2)}M`;
  if (t >= 1e3) return `${(t / 1e3).toFixed(t % 1e3 === 0 ? 0 : 1)}k`;
  return String(t);
}
/** A run as lists and legends name it. */
export function runLabel(r: Pick<TrainingRunSummary, 'id' | 'env' | 'algo' | 'seed'>): string {
  return `${r.env === 'trading' ? 'Trader' : 'Desk'} ${r.algo.toUpperCase()} · seed ${r.seed} · ${r.id.slice(0, 6)}`;
}

const stepLabel = (t: Time) => (typeof t === 'number' ? fmtSteps(t) : String(t));

function makeChart(el: HTMLElement, left: boolean): IChartApi {
  return createChart(el, {
    ...chartTheme(10),
    leftPriceScale: { visible: left, borderColor: CHART_BORDER },
    timeScale: { borderColor: CHART_BORDER, tickMarkFormatter: stepLabel, fixLeftEdge: true, fixRightEdge: true },
    localization: { timeFormatter: (t: Time) => `${stepLabel(t)} steps` },
    handleScroll: false,
    handleScale: false,
  });
}

interface Curve {
  /** metric name in a series point */
  key: string;
  label: string;
  color: string;
  /** the value drawn (e.g. entropy = −entropy_loss) */
  map?: (v: number) => number;
  scale?: 'left' | 'right';
  steps?: boolean;
}

interface Panel {
  title: string;
  curves: Curve[];
}

export const TRAINING_PANELS: Panel[] = [
  { title: 'Mean return (last 100 episodes)', curves: [{ key: 'ep_rew_mean', label: 'return', color: '#22e08a' }] },
  {
    title: 'Losses',
    curves: [
      { key: 'policy_gradient_loss', label: 'policy', color: '#8fb4ff' },
      { key: 'value_loss', label: 'value (left)', color: '#ffb347', scale: 'left' },
    ],
  },
  {
    title: 'Entropy · KL · clip fraction · explained variance',
    curves: [
      { key: 'entropy_loss', label: 'entropy', color: '#c792ea', map: (v) => -v },
      { key: 'explained_variance', label: 'expl. var.', color: '#22e08a' },
      { key: 'approx_kl', label: 'approx KL (left)', color: '#ff4d5e', scale: 'left' },
      { key: 'clip_fraction', label: 'clip frac. (left)', color: '#ffd166', scale: 'left' },
    ],
  },
  {
    title: 'Steps per second · curriculum level',
    curves: [
      { key: 'fps', label: 'steps/s', color: '#8fb4ff' },
      { key: 'curriculum_level', label: 'level (left)', color: '#ffd166', scale: 'left', steps: true },
    ],
  },
];

function value(p: SeriesPoint, c: Curve): number | null {
  const v = p.m[c.key];
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return c.map ? c.map(v) : v;
}

export function TrainingCharts({ runId }: { runId: string }) {
  const hosts = useRef<(HTMLDivElement | null)[]>([]);
  const root = useRef<HTMLDivElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [empty, setEmpty] = useState(true);

  useEffect(() => {
    const charts: IChartApi[] = [];
    const lines: { curve: Curve; s: ISeriesApi<'Line'> }[][] = [];
    try {
      TRAINING_PANELS.forEach((panel, i) => {
        const el = hosts.current[i];
        if (!el) return;
        const chart = makeChart(el, panel.curves.some((c) => c.scale === 'left'));
        charts.push(chart);
        lines.push(
          panel.curves.map((curve) => ({
            curve,
            s: chart.addSeries(LineSeries, {
              color: curve.color,
              lineWidth: 2,
              priceScaleId: curve.scale ?? 'right',
              lineType: curve.steps ? LineType.WithSteps : LineType.Simple,
              priceLineVisible: false,
              lastValueVisible: true,
              priceFormat: curve.key === 'fps' || curve.key === 'curriculum_level' ? { type: 'price', precision: 0, minMove: 1 } : { type: 'price', precision: 4, minMove: 0.0001 },
            }),
          })),
        );
      });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      for (const c of charts) c.remove();
      return;
    }
    setError(null);
    const drawn = { epoch: -1, count: 0, version: -1 };
    const refresh = (): void => {
      if (drawn.version === trainingSeries.version) return;
      drawn.version = trainingSeries.version;
      const run = trainingSeries.runs.get(runId);
      const points = run?.points ?? [];
      const full = !run || run.epoch !== drawn.epoch || points.length < drawn.count;
      if (full) {
        for (const group of lines) {
          for (const { curve, s } of group) {
            const data: { time: UTCTimestamp; value: number }[] = [];
            for (const p of points) {
              const v = value(p, curve);
              if (v !== null) data.push({ time: ts(p.timesteps), value: v });
            }
            s.setData(data);
          }
        }
        for (const c of charts) c.timeScale().fitContent();
      } else if (points.length > drawn.count) {
        for (let i = drawn.count; i < points.length; i++) {
          const p = points[i]!;
          for (const group of lines) {
            for (const { curve, s } of group) {
              const v = value(p, curve);
              if (v !== null) s.update({ time: ts(p.timesteps), value: v });
            }
          }
        }
        for (const c of charts) c.timeScale().fitContent();
      }
      drawn.epoch = run?.epoch ?? -1;
      drawn.count = points.length;
      root.current?.setAttribute('data-points', String(points.length));
      setEmpty(points.length === 0);
    };
    refresh();
    const timer = setInterval(refresh, 250);
    return () => {
      clearInterval(timer);
      for (const c of charts) c.remove();
    };
  }, [runId]);

  return (
    <div ref={root} className="tr-charts" data-testid="training-charts" data-run={runId} data-points="0">
      {TRAINING_PANELS.map((panel, i) => (
        <figure key={panel.title} className="tr-chart">
          <figcaption>
            <span>{panel.title}</span>
            <span className="tr-legend">
              {panel.curves.map((c) => (
                <span key={c.key}>
                  <i style={{ background: c.color }} />
                  {c.label}
                </span>
              ))}
            </span>
          </figcaption>
          <div className="tr-chart-host" ref={(el) => void (hosts.current[i] = el)} />
        </figure>
      ))}
      {error ? <p className="error-text">Charts unavailable: {error}</p> : empty ? <p className="empty tr-charts-msg">Waiting for the first update…</p> : null}
    </div>
  );
}

/** The mean-return curves of the runs compared, overlaid on one step axis. */
export function CompareChart({ comparison }: { comparison: TrainingComparison }) {
  const host = useRef<HTMLDivElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let chart: IChartApi;
    try {
      chart = makeChart(el, false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return;
    }
    let points = 0;
    comparison.runs.forEach((r, k) => {
      const s = chart.addSeries(LineSeries, { color: DESK_HEX[k % DESK_HEX.length], lineWidth: 2, priceLineVisible: false, title: r.run.id.slice(0, 6) });
      const ys = r.series.ep_rew_mean ?? [];
      const data: { time: UTCTimestamp; value: number }[] = [];
      comparison.timesteps.forEach((t, i) => {
        const v = ys[i];
        if (v !== null && v !== undefined) data.push({ time: ts(t), value: v });
      });
      points += data.length;
      s.setData(data);
    });
    chart.timeScale().fitContent();
    el.parentElement?.setAttribute('data-points', String(points));
    return () => chart.remove();
  }, [comparison]);
  return (
    <div className="tr-compare-chart" data-testid="training-compare-chart" data-runs={comparison.runs.length} data-points="0">
      <div className="tr-chart-host tr-compare-host" ref={host} />
      <div className="tr-legend">
        {comparison.runs.map((r, k) => (
          <span key={r.run.id}>
            <i style={{ background: DESK_HEX[k % DESK_HEX.length] }} />
            {runLabel(r.run)}
          </span>
        ))}
      </div>
      {error ? <p className="error-text">Chart unavailable: {error}</p> : null}
    </div>
  );
}
