// Time-series charts with uPlot: one instance per container, data replaced in place, resized with the page.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const charts = new Map<string, uPlot>();

const palette = ['#d9480f', '#1971c2', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c940d', '#364fc7', '#862e9c'];

export interface SeriesSpec {
  label: string;
  scale?: string;
  dash?: number[];
  color?: string;
  stepped?: boolean;
}

function size(container: HTMLElement): { width: number; height: number } {
  const width = Math.max(260, container.clientWidth);
  return { width, height: width < 500 ? 220 : 280 };
}

/** Draws (or redraws) the chart in #id: x in seconds since the epoch, one array per series. */
export function lineChart(id: string, series: SeriesSpec[], data: (number | null)[][], axes: { left: string; right?: string }): void {
  const container = document.getElementById(id);
  if (!container) return;
  const key = `${id}:${series.map((s) => s.label).join('|')}`;
  const existing = charts.get(id);
  if (existing && (existing as unknown as { _key?: string })._key === key) {
    existing.setData(data as uPlot.AlignedData);
    return;
  }
  existing?.destroy();
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  const options: uPlot.Options = {
    ...size(container),
    scales: { x: { time: true } },
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        scale: s.scale ?? 'kW',
        stroke: s.color ?? palette[i % palette.length],
        width: 2,
        dash: s.dash,
        paths: s.stepped ? stepped : undefined,
        spanGaps: false,
      })),
    ],
    axes: [
      {},
      { scale: 'kW', label: axes.left },
      ...(axes.right ? [{ scale: 'price', label: axes.right, side: 1, grid: { show: false } }] : []),
    ],
    legend: { live: true },
  };
  const chart = new uPlot(options, data as uPlot.AlignedData, container);
  (chart as unknown as { _key?: string })._key = key;
  charts.set(id, chart);
}

let resizing = 0;
window.addEventListener('resize', () => {
  window.clearTimeout(resizing);
  resizing = window.setTimeout(() => {
    for (const [id, chart] of charts) {
      const container = document.getElementById(id);
      if (container && container.clientWidth > 0) chart.setSize(size(container));
    }
  }, 150);
});

/** After a hidden view is shown, its charts take the width they now have. */
export function fitCharts(): void {
  for (const [id, chart] of charts) {
    const container = document.getElementById(id);
    if (container && container.clientWidth > 0 && Math.abs(container.clientWidth - chart.width) > 4) chart.setSize(size(container));
  }
}
