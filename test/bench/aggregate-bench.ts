/**
 * Tick parsing and tick -> bar aggregation speed: node test/bench/run.mjs aggregate [--json]
 *
 * (a) parse the IBM tick CSV (126k trades);
 * (b) aggregate 500,000 generated trades into minute bars, the engine (aggregateTicks) against a tight
 *     hand-written loop over the same typed arrays, alternated with a full GC before each run, medians,
 *     outputs compared column by column;
 * (c) with `unzip` on the PATH: convert the largest SPY tick day from the vendor's zip (ms since
 *     midnight, price x 10000) to the normalized tick CSV (inside this benchmark only) and time parsing
 *     it, then aggregate it and compare with the vendor's minute bars.
 * A benchmark: it prints figures and never fails on a time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { aggregateTicks, BarAggregator } from "../../src/data/aggregate";
import { nyLocalToEpoch, nyOffsetMinutes } from "../../src/data/calendar";
import { loadDataFile } from "../../src/data/feeds";
import { seededRandom } from "../../src/data/random";
import type { BarSeries } from "../../src/data/series";
import { sliceByDay } from "../../src/data/series";
import type { TradeTicks } from "../../src/data/ticks";
import { formatTickTime, readTickFile } from "../../src/data/ticks";
import { garbageCollector, median } from "../../src/bench/timing";

// Bundled into node_modules/.cache, so test/shared-data's __dirname would mislead: run.mjs runs this
// from the repository root, and the shared data sits beside it.
const SHARED_DATA = process.env.AIBT_SHARED_DATA ?? path.resolve(process.cwd(), "../shared/data");
function sharedData(relative: string): string {
  return path.join(SHARED_DATA, relative);
}

const REPETITIONS = 11;
const TRADES = 500_000;
const json = process.argv.includes("--json");

const gc = garbageCollector();


function timed<T>(action: () => T): [T, number] {
  gc();
  const started = performance.now();
  const result = action();
  return [result, performance.now() - started];
}

// ---------------------------------------------------------------------------------------------- (a)

function parseIbm() {
  const file = sharedData("normalized/ticks_trades_IBM_2013-10-07_to_11_lean_algoseek.csv");
  if (!existsSync(file)) throw new Error(`${file} is missing: run from the repository root, or set AIBT_SHARED_DATA`);
  const [first, coldMs] = timed(() => readTickFile(file));
  const times: number[] = [];
  for (let i = 0; i < 7; i++) times.push(timed(() => readTickFile(file))[1]);
  const warmMs = median(times);
  return { trades: first.length, coldMs: round(coldMs), medianMs: round(warmMs), tradesPerSecond: Math.round(first.length / (warmMs / 1000)) };
}

// ---------------------------------------------------------------------------------------------- (b)

/** 500,000 trades over five regular sessions (EDT, no clock change), a random walk in cents, sizes 1-2,000. */
function generatedTrades(): TradeTicks {
  const random = seededRandom(20131007);
  const days = [7, 8, 9, 10, 11];
  const perDay = TRADES / days.length;
  const time = new Float64Array(TRADES);
  const price = new Float64Array(TRADES);
  const size = new Float64Array(TRADES);
  let cents = 18_000;
  let k = 0;
  for (const day of days) {
    const open = nyLocalToEpoch(2013, 10, day, 9, 30);
    const session = 390 * 60_000;
    // Exponential gaps, scaled to fill the session: busy and quiet stretches, some minutes empty.
    const gaps = new Float64Array(perDay);
    let total = 0;
    for (let i = 0; i < perDay; i++) {
      const burst = random() < 0.02 ? 400 : 1;
      gaps[i] = -Math.log(1 - random()) * burst;
      total += gaps[i]!;
    }
    let clock = 0;
    for (let i = 0; i < perDay; i++) {
      clock += gaps[i]!;
      time[k] = open + Math.min(session - 1, Math.floor((clock / total) * session));
      cents = Math.max(100, cents + Math.round((random() - 0.5) * 6));
      price[k] = cents / 100;
      size[k] = 1 + Math.floor(random() * 2000);
      k++;
    }
  }
  return {
    symbol: "SYNT",
    length: TRADES,
    time,
    price,
    size,
    condition: new Int32Array(TRADES),
    conditions: ["1"],
    exchange: new Int32Array(TRADES),
    exchanges: ["N"],
    suspicious: new Uint8Array(TRADES),
  };
}

interface ReferenceBars {
  length: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/**
 * The tight loop: minute bars over the typed arrays with one fixed New York offset (valid for these
 * trades: no clock change), the bar in progress in locals, written out when a trade starts a new minute.
 */
function referenceMinuteBars(time: Float64Array, price: Float64Array, size: Float64Array, offsetMs: number): ReferenceBars {
  const n = time.length;
  const capacity = Math.floor((time[n - 1]! - time[0]!) / 60_000) + 2;
  const T = new Float64Array(capacity);
  const O = new Float64Array(capacity);
  const H = new Float64Array(capacity);
  const L = new Float64Array(capacity);
  const C = new Float64Array(capacity);
  const V = new Float64Array(capacity);
  let bars = 0;
  let end = -Infinity;
  let start = 0;
  let o = 0;
  let h = 0;
  let l = 0;
  let c = 0;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    const p = price[i]!;
    const s = size[i]!;
    if (t < end) {
      if (p > h) h = p;
      if (p < l) l = p;
      c = p;
      v += s;
    } else {
      if (end !== -Infinity) {
        T[bars] = start;
        O[bars] = o;
        H[bars] = h;
        L[bars] = l;
        C[bars] = c;
        V[bars] = v;
        bars++;
      }
      const local = t + offsetMs;
      start = local - (local % 60_000) - offsetMs;
      end = start + 60_000;
      o = h = l = c = p;
      v = s;
    }
  }
  if (end !== -Infinity) {
    T[bars] = start;
    O[bars] = o;
    H[bars] = h;
    L[bars] = l;
    C[bars] = c;
    V[bars] = v;
    bars++;
  }
  return { length: bars, time: T.slice(0, bars), open: O.slice(0, bars), high: H.slice(0, bars), low: L.slice(0, bars), close: C.slice(0, bars), volume: V.slice(0, bars) };
}

function sameBars(engine: BarSeries, reference: ReferenceBars): boolean {
  if (engine.length !== reference.length) return false;
  const fields = ["time", "open", "high", "low", "close", "volume"] as const;
  for (const field of fields) {
    const a = engine[field];
    const b = reference[field];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  }
  return true;
}

function aggregationRace() {
  const ticks = generatedTrades();
  const offsetMs = nyOffsetMinutes(ticks.time[0]!) * 60_000;
  if (nyOffsetMinutes(ticks.time[ticks.length - 1]!) * 60_000 !== offsetMs) throw new Error("the generated trades cross a clock change");
  const engineMs: number[] = [];
  const referenceMs: number[] = [];
  let engine: BarSeries | undefined;
  let reference: ReferenceBars | undefined;
  for (let r = 0; r < REPETITIONS; r++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    const runEngine = () => {
      const [bars, ms] = timed(() => aggregateTicks(ticks, { barMinutes: 1 }));
      engine = bars;
      engineMs.push(ms);
    };
    const runReference = () => {
      const [bars, ms] = timed(() => referenceMinuteBars(ticks.time, ticks.price, ticks.size, offsetMs));
      reference = bars;
      referenceMs.push(ms);
    };
    if (r % 2 === 0) {
      runEngine();
      runReference();
    } else {
      runReference();
      runEngine();
    }
  }
  // One trade at a time through add() (the streaming API), for scale.
  const addMs: number[] = [];
  let oneByOne: BarSeries | undefined;
  for (let r = 0; r < 5; r++) {
    const [bars, ms] = timed(() => {
      const aggregator = new BarAggregator("SYNT", { barMinutes: 1 });
      for (let i = 0; i < ticks.length; i++) aggregator.add(ticks.time[i]!, ticks.price[i]!, ticks.size[i]!);
      return aggregator.finish();
    });
    oneByOne = bars;
    addMs.push(ms);
  }
  const e = median(engineMs);
  const ref = median(referenceMs);
  const a = median(addMs);
  return {
    trades: ticks.length,
    bars: engine!.length,
    engineMs: round(e),
    referenceMs: round(ref),
    engineTradesPerSecond: Math.round(ticks.length / (e / 1000)),
    referenceTradesPerSecond: Math.round(ticks.length / (ref / 1000)),
    ratio: +(ref / e).toFixed(2),
    meetsTarget: ref / e >= 0.5,
    identical: sameBars(engine!, reference!) && sameBars(oneByOne!, reference!),
    addOneByOneMs: round(a),
  };
}

// ---------------------------------------------------------------------------------------------- (c)

function hasUnzip(): boolean {
  const probe = spawnSync("unzip", ["-v"], { encoding: "utf8" });
  return probe.status === 0;
}

/** The SPY tick day with the most trades (largest uncompressed CSV), as [date, zip path]. */
function largestSpyDay(): { day: string; zip: string } {
  const folder = sharedData("lean_algoseek/tick/spy");
  let best = { day: "", zip: "", bytes: -1 };
  for (const day of ["20131007", "20131008", "20131009", "20131010", "20131011"]) {
    const zip = path.join(folder, `${day}_trade.zip`);
    const listing = spawnSync("unzip", ["-l", zip], { encoding: "utf8" });
    const bytes = Number(/^\s*(\d+)\s+\S+\s+\S+\s+\S+_Trade_Tick\.csv$/im.exec(listing.stdout)?.[1] ?? -1);
    if (bytes > best.bytes) best = { day, zip, bytes };
  }
  return best;
}

/** Vendor rows (ms since New York midnight, price x 10000, size, exchange, condition, suspicious) -> normalized tick CSV. */
function vendorToNormalized(raw: string, day: string): string {
  const midnight = nyLocalToEpoch(Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6, 8)));
  const out: string[] = ["symbol,timestamp,price,size,exchange,sale_condition,suspicious"];
  for (const line of raw.split("\n")) {
    if (line.trim() === "") continue;
    const [ms, price, size, exchange, condition, suspicious] = line.trimEnd().split(",");
    out.push(`SPY,${formatTickTime(midnight + Math.round(Number(ms)))},${Number(price) / 10000},${size},${exchange},${condition},${suspicious}`);
  }
  return `${out.join("\n")}\n`;
}

function spyDay() {
  if (!hasUnzip()) return { skipped: "unzip is not on the PATH" };
  const { day, zip } = largestSpyDay();
  const raw = spawnSync("unzip", ["-p", zip], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (raw.status !== 0) return { skipped: `unzip -p ${zip} failed: ${raw.stderr.trim()}` };
  const folder = mkdtempSync(path.join(os.tmpdir(), "aibt-aggregate-bench-"));
  try {
    const file = path.join(folder, `spy_${day}_ticks.csv`);
    const text = vendorToNormalized(raw.stdout, day);
    writeFileSync(file, text);
    const [ticks, coldMs] = timed(() => readTickFile(file));
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(timed(() => readTickFile(file))[1]);
    // The filter that matches the vendor's minute volumes best (see test/unit/data/aggregate.test.ts).
    const [bars, aggregateMs] = timed(() => aggregateTicks(ticks, { barMinutes: 1, excludeConditions: ["4000000", "1000000"] }));
    const withoutSuspicious = aggregateTicks(ticks, { barMinutes: 1, excludeSuspicious: true, excludeConditions: ["4000000", "1000000"] });
    let suspicious = 0;
    for (let i = 0; i < ticks.length; i++) suspicious += ticks.suspicious[i]!;
    // Against the vendor's SPY minute bars of that day (all sessions).
    const dayKey = Number(day);
    const vendorSeries = loadDataFile(sharedData("normalized/intraday_1min_lean_algoseek_all_sessions.csv")).series.find((s) => s.instrument.symbol === "SPY");
    let volumeAgreement: number | null = null;
    let volumeAgreementWithoutSuspicious: number | null = null;
    if (vendorSeries) {
      const vendor = sliceByDay(vendorSeries, dayKey, dayKey);
      const agreement = (ours: BarSeries): number | null => {
        const byTime = new Map<number, number>();
        for (let i = 0; i < ours.length; i++) byTime.set(ours.time[i]!, ours.volume[i]!);
        let same = 0;
        for (let j = 0; j < vendor.length; j++) if (byTime.get(vendor.time[j]!) === vendor.volume[j]) same++;
        return vendor.length > 0 ? +(same / vendor.length).toFixed(4) : null;
      };
      volumeAgreement = agreement(bars);
      volumeAgreementWithoutSuspicious = agreement(withoutSuspicious);
    }
    const medianMs = median(warm);
    return {
      day: `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`,
      trades: ticks.length,
      suspicious,
      fileMB: +(Buffer.byteLength(text) / 1e6).toFixed(1),
      parseColdMs: round(coldMs),
      parseMedianMs: round(medianMs),
      parseTradesPerSecond: Math.round(ticks.length / (medianMs / 1000)),
      parseTargetMs: 400,
      aggregateMs: round(aggregateMs),
      minuteBars: bars.length,
      vendorVolumeAgreement: volumeAgreement,
      vendorVolumeAgreementWithoutSuspicious: volumeAgreementWithoutSuspicious,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function round(ms: number): number {
  return +ms.toFixed(1);
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

function main(): void {
  const ibm = parseIbm();
  const race = aggregationRace();
  const spy = spyDay();
  if (json) {
    console.log(JSON.stringify({ parseIbm: ibm, aggregate: race, spyDay: spy }, null, 2));
    return;
  }
  console.log("Tick parsing and aggregation (medians; a benchmark, never a failure):");
  console.log(`  (a) parse IBM ticks, ${fmt(ibm.trades)} trades     ${ibm.medianMs} ms (first run ${ibm.coldMs} ms), ${fmt(ibm.tradesPerSecond)} trades/s`);
  console.log(`  (b) ${fmt(race.trades)} trades -> ${fmt(race.bars)} minute bars, ${REPETITIONS} alternated runs each:`);
  console.log(`        engine (aggregateTicks)          ${race.engineMs} ms, ${fmt(race.engineTradesPerSecond)} trades/s`);
  console.log(`        reference loop                   ${race.referenceMs} ms, ${fmt(race.referenceTradesPerSecond)} trades/s`);
  console.log(`        ratio engine/reference speed     ${race.ratio} (target >= 0.5)${race.meetsTarget ? "" : "  BELOW TARGET"}`);
  console.log(`        outputs                          ${race.identical ? "identical" : "DIFFERENT"}`);
  console.log(`        add() one trade at a time        ${race.addOneByOneMs} ms`);
  if ("skipped" in spy) {
    console.log(`  (c) SPY tick day: skipped (${spy.skipped})`);
  } else {
    console.log(`  (c) SPY ${spy.day}, ${fmt(spy.trades)} trades (${spy.fileMB} MB as normalized CSV, ${spy.suspicious} suspicious):`);
    console.log(`        parse                            ${spy.parseMedianMs} ms (first run ${spy.parseColdMs} ms; target < ${spy.parseTargetMs}), ${fmt(spy.parseTradesPerSecond)} trades/s`);
    console.log(`        -> ${fmt(spy.minuteBars)} minute bars                ${spy.aggregateMs} ms`);
    if (spy.vendorVolumeAgreement !== null && spy.vendorVolumeAgreementWithoutSuspicious !== null) {
      console.log(`        volume = vendor's minute volume  in ${(spy.vendorVolumeAgreement * 100).toFixed(2)}% of the vendor's minutes (excluding 4000000,1000000)`);
      console.log(`          also dropping suspicious trades ${(spy.vendorVolumeAgreementWithoutSuspicious * 100).toFixed(2)}% (the vendor's bars keep them)`);
    }
  }
}

main();
