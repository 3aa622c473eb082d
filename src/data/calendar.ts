/**
 * Trading time in America/New_York. US daylight-saving rules are computed, not looked up through Intl,
 * so parsing is fast and the same on every machine. Bars are stamped with their START time; a daily
 * bar carries its session's 09:30 open.
 */

/** A moment as the engine stores it: the instant, its New York trading date and minute of day. */
export interface MarketTime {
  /** Epoch milliseconds (UTC). */
  time: number;
  /** New York calendar date as yyyymmdd, e.g. 20131007. */
  day: number;
  /** Minutes since New York midnight, e.g. 570 for 09:30. */
  minute: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const REGULAR_OPEN_MINUTE = 9 * 60 + 30;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of month of the n-th (1-based; -1 = last) Sunday of a month. */
function nthSunday(year: number, month: number, n: number): number {
  if (n > 0) {
    const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((7 - firstWeekday) % 7) + (n - 1) * 7;
  }
  const last = daysInMonth(year, month);
  const lastWeekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay();
  return last - lastWeekday;
}

/** UTC instants at which daylight time starts and ends in New York for a year (2:00 local each). */
function dstBounds(year: number): [number, number] {
  let start: number;
  let end: number;
  if (year >= 2007) {
    start = Date.UTC(year, 2, nthSunday(year, 3, 2), 7);
    end = Date.UTC(year, 10, nthSunday(year, 11, 1), 6);
  } else if (year >= 1987) {
    start = Date.UTC(year, 3, nthSunday(year, 4, 1), 7);
    end = Date.UTC(year, 9, nthSunday(year, 10, -1), 6);
  } else {
    start = Date.UTC(year, 3, nthSunday(year, 4, -1), 7);
    end = Date.UTC(year, 9, nthSunday(year, 10, -1), 6);
  }
  return [start, end];
}

const boundsCache = new Map<number, [number, number]>();

/** New York's offset from UTC in minutes at an instant: -240 (EDT) or -300 (EST). */
export function nyOffsetMinutes(epochMs: number): number {
  const year = new Date(epochMs).getUTCFullYear();
  let bounds = boundsCache.get(year);
  if (!bounds) {
    bounds = dstBounds(year);
    boundsCache.set(year, bounds);
  }
  return epochMs >= bounds[0] && epochMs < bounds[1] ? -240 : -300;
}

/** The instant of a New York wall-clock time. */
export function nyLocalToEpoch(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Try standard time first; if that instant is in daylight time, the wall time was EDT.
  const asStandard = wall + 5 * HOUR;
  return nyOffsetMinutes(asStandard) === -240 ? wall + 4 * HOUR : asStandard;
}

export function marketTimeOf(epochMs: number): MarketTime {
  const local = new Date(epochMs + nyOffsetMinutes(epochMs) * MINUTE);
  return {
    time: epochMs,
    day: local.getUTCFullYear() * 10000 + (local.getUTCMonth() + 1) * 100 + local.getUTCDate(),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return NaN;
    value = value * 10 + code;
  }
  return value;
}

/**
 * Parses the timestamps found in market data files:
 * `2013-10-07` (a daily bar: stamped 09:30 New York), `2013-10-07T09:30:00-04:00` (any offset or Z,
 * optional seconds and milliseconds), `2013-10-07 09:30[:00]` (New York wall time, as Alpha Vantage
 * writes it), and epoch seconds or milliseconds. Returns undefined for anything else.
 */
export function parseMarketTime(raw: string): MarketTime | undefined {
  const text = raw.trim();
  if (/^\d{9,13}$/.test(text)) {
    const n = Number(text);
    return marketTimeOf(text.length <= 10 ? n * 1000 : n);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (Number.isNaN(year + month + day) || text[4] !== "-" || text[7] !== "-") return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (text.length === 10) {
    return { time: nyLocalToEpoch(year, month, day, 9, 30), day: year * 10000 + month * 100 + day, minute: REGULAR_OPEN_MINUTE };
  }
  const sep = text[10];
  if (sep !== "T" && sep !== " ") return undefined;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (Number.isNaN(hour + minute) || text[13] !== ":" || hour > 23 || minute > 59) return undefined;
  let pos = 16;
  let second = 0;
  let ms = 0;
  if (text[pos] === ":") {
    second = digits(text, pos + 1, 2);
    if (Number.isNaN(second) || second > 59) return undefined;
    pos += 3;
    if (text[pos] === ".") {
      let end = pos + 1;
      while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
      const fraction = text.slice(pos + 1, end);
      if (fraction.length === 0) return undefined;
      ms = Math.round(Number(`0.${fraction}`) * 1000);
      pos = end;
    }
  }
  const zone = text.slice(pos);
  if (zone === "") return marketTimeOf(nyLocalToEpoch(year, month, day, hour, minute, second, ms));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone === "Z") return marketTimeOf(wall);
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!offset) return undefined;
  const sign = offset[1] === "-" ? -1 : 1;
  const offsetMinutes = sign * (Number(offset[2]) * 60 + Number(offset[3]));
  return marketTimeOf(wall - offsetMinutes * MINUTE);
}

export function formatDay(day: number): string {
  const y = Math.floor(day / 10000);
  const m = Math.floor(day / 100) % 100;
  const d = day % 100;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** ISO 8601 with New York's offset, the format of the normalized CSV files. */
export function formatMarketTime(epochMs: number): string {
  const offset = nyOffsetMinutes(epochMs);
  const local = new Date(epochMs + offset * MINUTE).toISOString().slice(0, 19);
  const hours = String(Math.abs(offset) / 60).padStart(2, "0");
  return `${local}${offset < 0 ? "-" : "+"}${hours}:00`;
}

/** Parses a `YYYY-MM-DD` date (as given to --from/--to) into a yyyymmdd day key. */
export function parseDay(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const parsed = parseMarketTime(text);
  return parsed?.day;
}
