/**
 * Time on charts is New York time whatever the viewer's machine is set to. Vega formats dates either
 * in the machine's zone or in UTC, so the charts carry New York WALL-CLOCK time as if it were UTC
 * (the instant shifted by New York's offset) on UTC scales, and tooltips carry the ISO time with its
 * New York offset.
 */
import { formatMarketTime, nyOffsetMinutes } from "../data/calendar";
import { medianInterval } from "../metrics/periods";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** An instant (epoch ms) as the chart's time value: New York wall-clock time read as UTC. */
export function chartTime(epochMs: number): number {
  return epochMs + nyOffsetMinutes(epochMs) * MINUTE;
}

/** The tooltip's time: ISO 8601 with New York's offset, to the minute for intraday bars. */
export function tooltipTime(epochMs: number, intraday: boolean): string {
  const iso = formatMarketTime(epochMs);
  return intraday ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} ${iso.slice(19)}` : iso.slice(0, 10);
}

/** Whether the bars are shorter than a day (minute or hour bars), from their median spacing. */
export function isIntraday(times: ArrayLike<number>): boolean {
  const interval = medianInterval(times);
  return interval > 0 && interval < 20 * 60 * MINUTE;
}

/** The x encoding of a time field: a UTC scale (see above), labels suited to the span shown. */
export function timeAxis(field: string, times: ArrayLike<number>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const span = times.length > 1 ? times[times.length - 1]! - times[0]! : 0;
  const axis: Record<string, unknown> = { title: null, labelOverlap: true, grid: false, tickCount: 8 };
  if (span > 0 && span <= 2 * DAY) {
    axis.format = "%H:%M";
  } else if (span > 0 && span <= 120 * DAY) {
    // Ticks on whole days (not every six hours, which would print each date four times).
    axis.format = "%b %d";
    axis.tickCount = { interval: "day", step: Math.max(1, Math.ceil(span / DAY / 8)) };
  }
  return { field, type: "temporal", scale: { type: "utc" }, axis, ...extra };
}
