// The rollout timeline chart: one Rollout's or Deployment's simulated update (a plan's rollouts)
// as an SVG, state by state: the share of traffic on the new version (a step line), the old
// and new ReplicaSets' replicas (stacked bars), and what each state waits for (a timed pause, a
// person, an analysis), with the earliest time each state is reached. Plain SVG, drawn from the
// engine's numbers; no chart library.
import type { RolloutSimulation, SimulationState } from '@baton/engine/web';

const SVG = 'http://www.w3.org/2000/svg';

const STRATEGY: Record<string, string> = {
  canary: 'canary',
  blueGreen: 'blue-green',
  rollingUpdate: 'rolling update',
  recreate: 'recreate',
};

/** `"300s"` → `5m`, `"3900s"` → `1h5m`; other values as they are. */
export function shortDuration(value: string): string {
  const m = /^(\d+)s$/.exec(value);
  if (!m) return value;
  let s = Number(m[1]);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const min = Math.floor(s / 60);
  s -= min * 60;
  const parts = [h ? `${h}h` : '', min ? `${min}m` : '', s || (!h && !min) ? `${s}s` : ''];
  return parts.join('');
}

/** What a state waits for, in a few characters. */
function waitLabel(state: SimulationState): string {
  const parts: string[] = [];
  if (state.pause) parts.push(state.pause === 'indefinite' ? '‖ promote' : `‖ ${shortDuration(state.pause)}`);
  if (state.analysis) parts.push(`analysis`);
  if (state.scaleDownDelay) parts.push(`↓ ${shortDuration(state.scaleDownDelay)}`);
  return parts.join(' · ');
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A figure with the chart and a caption; the SVG has a title and a text description. */
export function timelineChart(sim: RolloutSimulation): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'timeline';
  figure.dataset.testid = 'timeline';
  figure.dataset.name = sim.name;
  const caption = document.createElement('figcaption');
  const manual = sim.manualPromotions ? ` · ${sim.manualPromotions} manual promotion${sim.manualPromotions === 1 ? '' : 's'}` : '';
  caption.textContent = `${sim.kind} ${sim.name} · ${STRATEGY[sim.strategy] ?? sim.strategy} · ${sim.replicas} replicas · at least ${shortDuration(sim.minDuration)}${manual}${sim.trafficRouting ? ' · traffic routing' : ''}`;
  figure.append(caption);
  if (sim.states.length === 0) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = sim.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ') || 'No states to show.';
    figure.append(p);
    return figure;
  }
  const states = sim.states;
  const col = 64;
  const left = 40;
  const top = 16;
  const plot = 120;
  const width = left + states.length * col + 8;
  const height = top + plot + 52;
  const maxReplicas = Math.max(1, ...states.map((s) => s.stableReplicas + s.canaryReplicas));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'timeline-svg' });
  const id = `tl-${sim.kind}-${sim.name}`.replace(/[^a-zA-Z0-9-]/g, '-');
  root.setAttribute('aria-labelledby', `${id}-title`);
  root.append(svg('title', { id: `${id}-title` }, `${sim.name}: traffic on the new version, state by state: ${states.map((s) => `${Math.round((s.canaryWeight / sim.maxWeight) * 100)}%`).join(', ')}`));
  // Axes: 0, 50 and 100 % of traffic.
  for (const pct of [0, 50, 100]) {
    const y = top + plot - (pct / 100) * plot;
    root.append(svg('line', { x1: left, x2: width - 8, y1: y, y2: y, class: 'grid' }));
    root.append(svg('text', { x: left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, `${pct}%`));
  }
  let path = '';
  states.forEach((state, i) => {
    const x = left + i * col;
    // Replicas: stable (old) below, canary (new) above, scaled to the tallest state.
    const stableH = (state.stableReplicas / maxReplicas) * plot * 0.9;
    const canaryH = (state.canaryReplicas / maxReplicas) * plot * 0.9;
    const bar = svg('g', { class: 'bar' });
    bar.append(svg('rect', { x: x + 14, y: top + plot - stableH, width: col - 28, height: stableH, class: 'stable' }));
    bar.append(svg('rect', { x: x + 14, y: top + plot - stableH - canaryH, width: col - 28, height: canaryH, class: 'canary' }));
    bar.append(svg('title', {}, `state ${i + 1}${state.step !== null ? ` (step ${state.step})` : ''}, from t+${shortDuration(`${state.startSeconds}s`)}: ${state.canaryWeight}/${sim.maxWeight} traffic on the new version; ${state.stableReplicas} old + ${state.canaryReplicas} new replicas${waitLabel(state) ? `; ${waitLabel(state)}` : ''}`));
    root.append(bar);
    const y = top + plot - (state.canaryWeight / sim.maxWeight) * plot;
    path += `${i === 0 ? 'M' : 'L'}${x},${y} L${x + col},${y} `;
    root.append(svg('text', { x: x + col / 2, y: y - 4, class: 'weight', 'text-anchor': 'middle' }, `${Math.round((state.canaryWeight / sim.maxWeight) * 100)}%`));
    root.append(svg('text', { x: x + col / 2, y: top + plot + 14, class: 'replicas', 'text-anchor': 'middle' }, `${state.stableReplicas}+${state.canaryReplicas}`));
    // When the state is reached at the earliest (a person's promotion counts as instant).
    root.append(svg('text', { x: x + 2, y: top + plot + 44, class: 'time' }, `t+${shortDuration(`${state.startSeconds}s`)}`));
    const wait = waitLabel(state);
    if (wait) root.append(svg('text', { x: x + col / 2, y: top + plot + 30, class: `wait${state.pause === 'indefinite' ? ' manual' : ''}`, 'text-anchor': 'middle' }, wait));
  });
  root.append(svg('path', { d: path, class: 'traffic' }));
  figure.append(root);
  const legend = document.createElement('p');
  legend.className = 'timeline-legend hint';
  legend.textContent = 'line: traffic on the new version · bars: old + new replicas · ‖ a pause (promote: a person decides) · t+: earliest start';
  figure.append(legend);
  return figure;
}
