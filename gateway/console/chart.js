// Bar charts as inline SVG: no chart library.

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** A round upper bound for an axis, and its step, for `max` > 0; whole steps for counts. */
function niceScale(max, integer, ticks = 4) {
  const raw = integer ? Math.max(1, max / ticks) : max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  return { top: step * Math.ceil(max / step), step };
}

/**
 * Vertical bars, one per `{label, value}` in order (e.g. days), with a value axis.
 * `format` renders values, `integer` keeps axis steps whole (counts); `title` describes the
 * chart for screen readers.
 */
export function columnChart(points, { format = String, title = '', integer = false } = {}) {
  const width = 640;
  const height = 240;
  const left = 64;
  const bottom = 36;
  const top = 16;
  const plotWidth = width - left - 12;
  const plotHeight = height - top - bottom;
  const max = Math.max(0, ...points.map((p) => p.value));
  const { top: axisTop, step } = max > 0 ? niceScale(max, integer) : { top: 1, step: integer ? 1 : 0.25 };
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  for (let tick = 0; tick <= axisTop + step / 2; tick += step) {
    const y = top + plotHeight - (tick / axisTop) * plotHeight;
    chart.append(
      svg('line', { x1: left, x2: width - 12, y1: y, y2: y, class: 'grid' }),
      svg('text', { x: left - 8, y: y + 4, class: 'axis', 'text-anchor': 'end' }, format(tick)));
  }
  const slot = plotWidth / Math.max(points.length, 1);
  const barWidth = Math.min(48, slot * 0.7);
  points.forEach((point, index) => {
    const barHeight = (point.value / axisTop) * plotHeight;
    const x = left + index * slot + (slot - barWidth) / 2;
    const y = top + plotHeight - barHeight;
    chart.append(svg('rect', { x, y, width: barWidth, height: Math.max(barHeight, 0), rx: 3, class: 'bar' },
      svg('title', {}, `${point.label}: ${format(point.value)}`)));
    // Label every bar while they fit, else every few.
    const every = Math.ceil(points.length / 10);
    if (index % every === 0) {
      chart.append(svg('text', {
        x: x + barWidth / 2, y: height - bottom + 18, class: 'axis', 'text-anchor': 'middle',
      }, point.label));
    }
  });
  if (points.length === 0) {
    chart.append(svg('text', { x: width / 2, y: height / 2, class: 'axis', 'text-anchor': 'middle' }, 'No data'));
  }
  return chart;
}

/** Horizontal bars, largest first, each labelled with its group and value. */
export function barChart(points, { format = String, title = '' } = {}) {
  const sorted = [...points].sort((a, b) => b.value - a.value).slice(0, 12);
  const width = 640;
  const row = 30;
  const labelWidth = 300;
  const valueWidth = 80;
  const height = Math.max(sorted.length, 1) * row + 8;
  const max = Math.max(0, ...sorted.map((p) => p.value));
  const plotWidth = width - labelWidth - valueWidth;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  sorted.forEach((point, index) => {
    const y = 4 + index * row;
    const barWidth = max > 0 ? (point.value / max) * plotWidth : 0;
    const label = point.label.length > 46 ? `${point.label.slice(0, 45)}…` : point.label;
    chart.append(
      svg('text', { x: labelWidth - 10, y: y + row / 2 + 4, class: 'axis', 'text-anchor': 'end' }, label,
        svg('title', {}, point.label)),
      svg('rect', { x: labelWidth, y: y + 5, width: Math.max(barWidth, 2), height: row - 10, rx: 3, class: 'bar alt' },
        svg('title', {}, `${point.label}: ${format(point.value)}`)),
      svg('text', { x: labelWidth + Math.max(barWidth, 2) + 8, y: y + row / 2 + 4, class: 'value' }, format(point.value)));
  });
  if (sorted.length === 0) {
    chart.append(svg('text', { x: width / 2, y: height / 2 + 4, class: 'axis', 'text-anchor': 'middle' }, 'No data'));
  }
  return chart;
}
