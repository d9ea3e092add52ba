import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { BoxGeometry, CanvasTexture, LinearFilter, Mesh, MeshBasicMaterial, PlaneGeometry, SRGBColorSpace } from 'three';
import { REGIMES, type Roster } from '../../src-shared/roster';
import { frames, sampleHistory } from '../frames';
import { decimalsFor, fmtPct, fmtPrice, fmtSpeed } from '../format';
import { useReplay } from '../store/replay';
import { useFloor } from '../store';
import type { FloorLayout } from './layout';
import { BUY_HEX, REGIME_HEX, REGIME_LABEL, SELL_HEX } from './palette';
import { stressState } from './stress';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace';
const REDRAW_S = 0.25;
/** texture pixels per board drawing unit */
const BOARD_PX = 0.5;
const SPARK_POINTS = 160;
const FRAME_HEX = '#1a2336';

/**
 * The big board on the back wall: one canvas texture, redrawn 4× a second from the frame holder
 * (only when something changed): symbol, last price, % change since the open, regime, sentiment
 * gauge and a price sparkline. On a recent critical alert (floor/stress.ts) the headline strip
 * shows the alert and flashes red, and the board's frame pulses red (a material colour: no redraw).
 */
export function BigBoard({ roster, layout }: { roster: Roster; layout: FloorLayout }) {
  const built = useMemo(() => {
    const W = 2048;
    const H = Math.round((W * layout.board.height) / layout.board.width);
    const canvas = document.createElement('canvas');
    // drawn in 2048-wide units into a half-size canvas: the board covers ~1/3 of the screen, and a
    // quarter of the pixels makes the 4 Hz texture upload (the costliest part of a frame) 4× cheaper
    canvas.width = Math.round(W * BOARD_PX);
    canvas.height = Math.round(H * BOARD_PX);
    const tex = new CanvasTexture(canvas);
    tex.colorSpace = SRGBColorSpace;
    tex.generateMipmaps = false;
    tex.minFilter = LinearFilter;
    tex.anisotropy = 4;
    const screen = new Mesh(new PlaneGeometry(layout.board.width, layout.board.height), new MeshBasicMaterial({ map: tex, toneMapped: false }));
    screen.position.set(layout.board.x, layout.board.y, layout.board.z);
    screen.name = 'big-board';
    const frame = new Mesh(
      new BoxGeometry(layout.board.width + 0.8, layout.board.height + 0.8, 0.4),
      new MeshBasicMaterial({ color: FRAME_HEX }),
    );
    frame.position.set(layout.board.x, layout.board.y, layout.board.z - 0.25);
    screen.raycast = () => {};
    frame.raycast = () => {};
    return { canvas, tex, screen, frame, frameMat: frame.material };
  }, [layout]);

  useEffect(
    () => () => {
      built.tex.dispose();
      for (const m of [built.screen, built.frame]) {
        m.geometry.dispose();
        const mat = m.material;
        if (!Array.isArray(mat)) mat.dispose();
      }
    },
    [built],
  );

  const spark = useMemo(() => new Float64Array(SPARK_POINTS), []);
  const acc = useRef(REDRAW_S);
  const lastKey = useRef('');
  const flashOn = useRef(false);
  const framePulse = useRef(false);
  useFrame((state, delta) => {
    const alert = stressState.alertFlash;
    if (alert !== null) {
      framePulse.current = true;
      built.frameMat.color.setRGB(0.1 + 0.5 * Math.abs(Math.sin(state.clock.elapsedTime * 6)), 0.05, 0.07);
    } else if (framePulse.current) {
      framePulse.current = false;
      built.frameMat.color.set(FRAME_HEX);
    }
    acc.current += delta;
    if (acc.current < REDRAW_S) return;
    acc.current = 0;
    if (alert !== null) flashOn.current = !flashOn.current;
    // nothing new (paused, or no batch since the last redraw): keep the texture as it is
    const st = useFloor.getState();
    const key = `${frames.version}|${st.tick}|${st.status?.paused}|${st.status?.speed}|${st.status?.health}|${alert}|${alert !== null && flashOn.current}`;
    if (key === lastKey.current) return;
    lastKey.current = key;
    draw(built.canvas, roster, spark, alert, flashOn.current);
    built.tex.needsUpdate = true;
  });

  return (
    <group>
      <primitive object={built.frame} />
      <primitive object={built.screen} />
    </group>
  );
}

/** Sets a font no larger than `size` px such that `text` fits in `maxW`. */
function fitFont(g: CanvasRenderingContext2D, text: string, weight: number, size: number, family: string, maxW: number): void {
  g.font = `${weight} ${size}px ${family}`;
  const w = g.measureText(text).width;
  if (w > maxW && w > 0) g.font = `${weight} ${Math.max(8, Math.floor((size * maxW) / w))}px ${family}`;
}

function draw(canvas: HTMLCanvasElement, roster: Roster, spark: Float64Array, alert: string | null, flashOn: boolean): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  const W = canvas.width / BOARD_PX;
  const H = canvas.height / BOARD_PX;
  g.setTransform(BOARD_PX, 0, 0, BOARD_PX, 0, 0);
  const st = useFloor.getState();
  const b = frames.batch && frames.batch.sessionId === st.info?.sessionId ? frames.batch : null;
  const sym = b && b.latest.symbols.last.length === roster.symbols.length ? b.latest.symbols : null;

  const bg = g.createLinearGradient(0, 0, 0, H);
  bg.addColorStop(0, '#0c1424');
  bg.addColorStop(1, '#060a13');
  g.fillStyle = bg;
  g.fillRect(0, 0, W, H);

  // header (the headline strip: on a critical alert it shows the alert, flashing red)
  const headH = Math.round(H * 0.11);
  g.fillStyle = alert !== null ? (flashOn ? '#8a0f1c' : '#3a0a12') : '#111c31';
  g.fillRect(0, 0, W, headH);
  g.fillStyle = alert !== null ? SELL_HEX : '#ffd166';
  g.fillRect(0, headH - 4, W, 4);
  g.textBaseline = 'middle';
  g.fillStyle = '#f2f6ff';
  g.textAlign = 'left';
  if (alert !== null) fitFont(g, `⚠ ${alert.toUpperCase()}`, 800, Math.round(headH * 0.42), FONT, W * 0.6);
  else g.font = `800 ${Math.round(headH * 0.5)}px ${FONT}`;
  g.fillText(alert !== null ? `⚠ ${alert.toUpperCase()}` : 'BULLPEN  ·  MARKET BOARD', 40, headH / 2);
  const status = st.status;
  // a recording is shown (ui/ReplayBar.tsx): its speed and state, not the live session's
  const rep = useReplay.getState().open;
  const right = rep
    ? [`TICK ${st.tick}`, `SPEED ${fmtSpeed(rep.speed)}`, rep.playing ? 'REPLAY' : 'REPLAY · PAUSED'].join('   ·   ')
    : [
        `TICK ${st.tick}`,
        `SPEED ${fmtSpeed(status?.speed)}`,
        status?.health === 'crashed' ? 'WORKER CRASHED' : status?.health === 'stopped' ? 'ENDED' : status?.paused ? 'PAUSED' : status ? 'LIVE' : '—',
      ].join('   ·   ');
  g.font = `600 ${Math.round(headH * 0.36)}px ${MONO}`;
  g.textAlign = 'right';
  g.fillStyle = rep ? '#ffb347' : status?.health === 'crashed' ? SELL_HEX : status?.paused || status?.health === 'stopped' ? '#ffd166' : '#9fb4d8';
  g.fillText(right, W - 40, headH / 2);

  const S = roster.symbols.length;
  const cols = S > 10 ? 2 : 1;
  const perCol = Math.max(1, Math.ceil(S / cols));
  const labelH = Math.round(H * 0.06);
  const top = headH + labelH;
  const rowH = Math.min(Math.round(H * 0.2), (H - top - 10) / perCol);
  const colW = W / cols;
  // column x positions, as fractions of the column width
  const X = { name: 0.025, last: 0.3, chg: 0.47, regime: 0.5, sent: 0.7, spark: 0.79 };
  for (let c = 0; c < cols; c++) {
    const ox = c * colW;
    g.font = `600 ${Math.round(labelH * 0.45)}px ${FONT}`;
    g.fillStyle = '#6f7f9e';
    g.textAlign = 'left';
    g.fillText('SYMBOL', ox + colW * X.name, headH + labelH / 2);
    g.textAlign = 'right';
    g.fillText('LAST', ox + colW * X.last, headH + labelH / 2);
    g.fillText('CHG', ox + colW * X.chg, headH + labelH / 2);
    g.textAlign = 'left';
    g.fillText('REGIME', ox + colW * X.regime, headH + labelH / 2);
    g.fillText('SENTIMENT', ox + colW * X.sent - 10, headH + labelH / 2);
    g.fillText('TREND', ox + colW * X.spark, headH + labelH / 2);
  }

  for (let i = 0; i < S; i++) {
    const info = roster.symbols[i];
    if (!info) continue;
    const c = Math.floor(i / perCol);
    const r = i % perCol;
    const ox = c * colW;
    const y = top + r * rowH;
    const mid = y + rowH / 2;
    if (r % 2 === 0) {
      g.fillStyle = 'rgba(255,255,255,0.025)';
      g.fillRect(ox, y, colW, rowH);
    }
    g.fillStyle = 'rgba(120,140,180,0.18)';
    g.fillRect(ox + 20, y + rowH - 2, colW - 40, 2);
    const last = sym ? (sym.last[i] ?? 0) : info.startPrice;
    const open = sym ? (sym.open[i] ?? 0) : info.startPrice;
    const chg = open > 0 ? ((last - open) / open) * 100 : 0;
    const regime = REGIMES[sym ? (sym.regime[i] ?? 0) : 0] ?? 'undetermined';
    const sent = sym ? (sym.sentiment[i] ?? 0) : 0;
    const up = chg > 0.0001;
    const down = chg < -0.0001;
    const chgColor = up ? BUY_HEX : down ? SELL_HEX : '#9aa5b8';
    const big = Math.round(Math.min(rowH * 0.46, colW * 0.036));

    g.textAlign = 'left';
    fitFont(g, info.name, 800, big, FONT, colW * 0.13);
    g.fillStyle = '#f2f6ff';
    g.fillText(info.name, ox + colW * X.name, mid);

    g.textAlign = 'right';
    const priceText = fmtPrice(last, decimalsFor(info.tickSize));
    fitFont(g, priceText, 700, big, MONO, colW * (X.last - X.name - 0.145));
    g.fillStyle = '#ffffff';
    g.fillText(priceText, ox + colW * X.last, mid);
    const chgText = `${up ? '▲' : down ? '▼' : ' '} ${fmtPct(chg)}`;
    fitFont(g, chgText, 700, Math.round(big * 0.8), MONO, colW * (X.chg - X.last - 0.015));
    g.fillStyle = chgColor;
    g.fillText(chgText, ox + colW * X.chg, mid);

    g.textAlign = 'left';
    const halted = sym ? (sym.halted[i] ?? 0) : 0;
    const regimeText = halted === 3 ? 'HALTED' : halted ? 'VENUE HALT' : (REGIME_LABEL[regime] ?? regime);
    fitFont(g, regimeText, halted ? 800 : 600, Math.round(big * 0.58), FONT, colW * (X.sent - X.regime - 0.025));
    g.fillStyle = halted ? SELL_HEX : (REGIME_HEX[regime] ?? '#9aa5b8');
    g.fillText(regimeText, ox + colW * X.regime, mid);

    // sentiment gauge: centre line, bar toward green (positive) or red (negative)
    const gx = ox + colW * X.sent - 10;
    const gw = colW * (X.spark - X.sent) - 20;
    const gh = Math.max(8, rowH * 0.14);
    g.fillStyle = 'rgba(255,255,255,0.08)';
    g.fillRect(gx, mid - gh / 2, gw, gh);
    const half = gw / 2;
    const len = Math.max(-1, Math.min(1, sent)) * half;
    g.fillStyle = sent >= 0 ? BUY_HEX : SELL_HEX;
    g.fillRect(len >= 0 ? gx + half : gx + half + len, mid - gh / 2, Math.abs(len), gh);
    g.fillStyle = '#c8d3e8';
    g.fillRect(gx + half - 1, mid - gh / 2 - 4, 2, gh + 8);

    // sparkline
    const n = sampleHistory(i, spark, SPARK_POINTS);
    const sx = ox + colW * X.spark;
    const sw = colW * (1 - X.spark) - 30;
    const sh = rowH * 0.62;
    if (n >= 2) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = spark[k] ?? 0;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (open > 0) {
        lo = Math.min(lo, open);
        hi = Math.max(hi, open);
      }
      const span = Math.max(hi - lo, Math.abs(hi) * 1e-4, 1e-9);
      const yOf = (v: number) => mid + sh / 2 - ((v - lo) / span) * sh;
      if (open > 0) {
        g.strokeStyle = 'rgba(200,210,230,0.25)';
        g.setLineDash([6, 6]);
        g.lineWidth = 2;
        g.beginPath();
        g.moveTo(sx, yOf(open));
        g.lineTo(sx + sw, yOf(open));
        g.stroke();
        g.setLineDash([]);
      }
      g.strokeStyle = chgColor;
      g.lineWidth = 3.5;
      g.lineJoin = 'round';
      g.beginPath();
      for (let k = 0; k < n; k++) {
        const px = sx + (k / (n - 1)) * sw;
        const py = yOf(spark[k] ?? 0);
        if (k === 0) g.moveTo(px, py);
        else g.lineTo(px, py);
      }
      g.stroke();
    } else {
      g.fillStyle = '#4a5670';
      g.font = `500 ${Math.round(big * 0.45)}px ${FONT}`;
      g.fillText('waiting for ticks…', sx, mid);
    }
  }
  if (S === 0) {
    g.textAlign = 'center';
    g.fillStyle = '#6f7f9e';
    g.font = `600 ${Math.round(H * 0.06)}px ${FONT}`;
    g.fillText('No symbols in this session', W / 2, H / 2);
  }
}
