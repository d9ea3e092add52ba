import { ColorType, type DeepPartial, type TimeChartOptions } from 'lightweight-charts';

/** The floor's look for every lightweight-charts chart (panels and dialogs); callers add their axes' formatters. */
export function chartTheme(fontSize = 11): DeepPartial<TimeChartOptions> {
  const border = 'rgba(120,150,210,0.2)';
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: 'transparent' },
      textColor: '#8c9ab5',
      fontSize,
      fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
      attributionLogo: false,
    },
    grid: { vertLines: { color: 'rgba(120,150,210,0.07)' }, horzLines: { color: 'rgba(120,150,210,0.07)' } },
    rightPriceScale: { borderColor: border },
    timeScale: { borderColor: border },
  };
}

export const CHART_BORDER = 'rgba(120,150,210,0.2)';
