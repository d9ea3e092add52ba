import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PolicyExplain } from '../../src-renderer/ui/PolicyExplain';

/** The decision popover's policy box, rendered to HTML: what a user reads is what the trace holds. */


const attributions = Array.from({ length: 10 }, (_, i) => ({ feature: `f${i}`, value: i / 10, gradXInput: (i % 2 ? -1 : 1) * (0.5 - i * 0.04) }));

describe('PolicyExplain', () => {
  it('shows each action’s probability, the value estimate and the top 8 attributions as signed bars', () => {
    const html = renderToStaticMarkup(
      createElement(PolicyExplain, {
        p: {
          checkpointId: 'cp-1234567890',
          actions: [
            { name: 'hold', probability: 0.5 },
            { name: 'buy 1', probability: 0.3125 },
            { name: 'sell 1', probability: 0.1875 },
          ],
          mean: null,
          std: null,
          value: -0.42262,
          attributions,
        },
      }),
    );
    expect(html).toContain('data-checkpoint="cp-1234567890"');
    const rows = [...html.matchAll(/data-testid="policy-action" data-name="([^"]+)" data-p="([^"]+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual([
      ['hold', 0.5],
      ['buy 1', 0.3125],
      ['sell 1', 0.1875],
    ]);
    expect(html).toContain('50%');
    expect(html).toContain('31.25%');
    expect(html).toContain('-0.4226'); // the value, as the trace rounds numbers
    const attrs = [...html.matchAll(/data-testid="policy-attr" data-feature="([^"]+)" data-gxi="([^"]+)"/g)].map((m) => m[1]);
    expect(attrs).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
    // the largest attribution fills half the bar to the right; a negative one grows to the left, in red
    expect(html).toMatch(/class="pos" style="left:50%;width:50%"/);
    expect(html).toMatch(/class="neg" style="left:[\d.]+%;width:[\d.]+%"/);
    expect(html).toContain('+0.5');
    expect(html).toContain('-0.46');
  });

  it('shows a continuous action as mean ± std', () => {
    const html = renderToStaticMarkup(createElement(PolicyExplain, { p: { checkpointId: 'c', actions: null, mean: [0.25], std: [0.5], value: 1, attributions: [] } }));
    expect(html).toContain('data-testid="policy-dim" data-mean="0.25" data-std="0.5"');
    expect(html).toContain('0.25 ± 0.5');
    expect(html).not.toContain('policy-action');
    expect(html).not.toContain('policy-attr');
  });
});
