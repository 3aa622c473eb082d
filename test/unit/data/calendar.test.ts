import { describe, expect, it } from "vitest";
import {
  formatDay,
  formatMarketTime,
  marketTimeOf,
  nyLocalToEpoch,
  nyOffsetMinutes,
  parseDay,
  parseMarketTime,
  REGULAR_OPEN_MINUTE,
} from "../../../src/data/calendar";

/** 2013-10-07 09:30 New York (EDT) = 13:30 UTC. */
const SPY_OPEN = Date.UTC(2013, 9, 7, 13, 30);

describe("parseMarketTime", () => {
  it("stamps a bare date at that session's 09:30 open", () => {
    expect(parseMarketTime("2013-10-07")).toEqual({ time: SPY_OPEN, day: 20131007, minute: 570 });
    expect(REGULAR_OPEN_MINUTE).toBe(570);
  });

  it.each([
    ["2013-10-07T09:30:00-04:00", SPY_OPEN],
    ["2013-10-07T09:30-04:00", SPY_OPEN],
    ["2013-10-07T09:30:00-0400", SPY_OPEN],
    ["2013-10-07T13:30:00Z", SPY_OPEN],
    ["2013-10-07T15:30:00+02:00", SPY_OPEN],
    ["2013-10-07T09:30:00.270-04:00", SPY_OPEN + 270],
    ["2013-10-07T09:30:00.5Z", Date.UTC(2013, 9, 7, 9, 30, 0, 500)],
    ["2013-10-07 09:30:00", SPY_OPEN],
    ["2013-10-07 09:30", SPY_OPEN],
    ["2013-10-07T09:30", SPY_OPEN],
    ["1381152600", SPY_OPEN],
    ["1381152600000", SPY_OPEN],
    ["  2013-10-07 09:30:00 ", SPY_OPEN],
  ])("parses %s", (text, expected) => {
    expect(parseMarketTime(text)?.time).toBe(expected);
  });

  it("reports the New York day and minute of an instant given in another zone", () => {
    // 03:15 UTC on the 8th is 23:15 on the 7th in New York.
    expect(parseMarketTime("2013-10-08T03:15:00Z")).toEqual({ time: Date.UTC(2013, 9, 8, 3, 15), day: 20131007, minute: 23 * 60 + 15 });
  });

  it.each([
    "2013-02-30",
    "2013-02-29",
    "2013-13-01",
    "2013-00-10",
    "2013-10-07 25:00",
    "2013-10-07 09:60",
    "2013-10-07 09:30:60",
    "2013-10-07T09:30:00.-04:00",
    "2013-10-07T09:30:00+4",
    "2013-10-07X09:30",
    "2013/10/07",
    "10/07/2013",
    "12345678",
    "",
    "yesterday",
  ])("rejects %j", (text) => {
    expect(parseMarketTime(text)).toBeUndefined();
  });

  it("accepts February 29 in a leap year", () => {
    expect(parseMarketTime("2012-02-29")?.day).toBe(20120229);
  });
});

describe("daylight saving time in New York", () => {
  it("moves the 09:30 open from 14:30Z to 13:30Z across 2013-03-10", () => {
    expect(parseMarketTime("2013-03-08 09:30")?.time).toBe(Date.UTC(2013, 2, 8, 14, 30));
    expect(parseMarketTime("2013-03-11 09:30")?.time).toBe(Date.UTC(2013, 2, 11, 13, 30));
  });

  it("moves the 09:30 open from 13:30Z back to 14:30Z across 2013-11-03", () => {
    expect(parseMarketTime("2013-11-01 09:30")?.time).toBe(Date.UTC(2013, 10, 1, 13, 30));
    expect(parseMarketTime("2013-11-04 09:30")?.time).toBe(Date.UTC(2013, 10, 4, 14, 30));
  });

  it("switches at 02:00 local time", () => {
    expect(nyOffsetMinutes(Date.UTC(2013, 2, 10, 6, 59))).toBe(-300);
    expect(nyOffsetMinutes(Date.UTC(2013, 2, 10, 7, 0))).toBe(-240);
    expect(nyOffsetMinutes(Date.UTC(2013, 10, 3, 5, 59))).toBe(-240);
    expect(nyOffsetMinutes(Date.UTC(2013, 10, 3, 6, 0))).toBe(-300);
  });

  it("uses the pre-2007 rule: first Sunday of April to last Sunday of October", () => {
    expect(parseMarketTime("2005-03-31 09:30")?.time).toBe(Date.UTC(2005, 2, 31, 14, 30));
    expect(parseMarketTime("2005-04-04 09:30")?.time).toBe(Date.UTC(2005, 3, 4, 13, 30));
    expect(parseMarketTime("2005-10-28 09:30")?.time).toBe(Date.UTC(2005, 9, 28, 13, 30));
    expect(parseMarketTime("2005-10-31 09:30")?.time).toBe(Date.UTC(2005, 9, 31, 14, 30));
  });

  it("uses the 2007 rule from 2007 on: 2007-03-12 is already daylight time", () => {
    expect(nyOffsetMinutes(Date.UTC(2007, 2, 12, 13, 30))).toBe(-240);
    expect(nyOffsetMinutes(Date.UTC(2006, 2, 13, 14, 30))).toBe(-300);
  });

  it("converts New York wall time to the instant", () => {
    expect(nyLocalToEpoch(2013, 10, 7, 9, 30)).toBe(SPY_OPEN);
    expect(nyLocalToEpoch(2013, 12, 2, 16, 0)).toBe(Date.UTC(2013, 11, 2, 21, 0));
  });
});

describe("marketTimeOf and formatting", () => {
  it("gives the New York trading day and minute of day", () => {
    expect(marketTimeOf(Date.UTC(2013, 9, 7, 19, 59))).toEqual({ time: Date.UTC(2013, 9, 7, 19, 59), day: 20131007, minute: 959 });
  });

  it("formats with New York's offset", () => {
    expect(formatMarketTime(SPY_OPEN)).toBe("2013-10-07T09:30:00-04:00");
    expect(formatMarketTime(Date.UTC(2013, 11, 2, 14, 30))).toBe("2013-12-02T09:30:00-05:00");
  });

  it.each(["2013-10-07T09:30:00-04:00", "2013-12-02T15:59:00-05:00", "2005-04-04T04:00:00-04:00", "2013-03-10T03:00:00-04:00"])(
    "round-trips %s",
    (text) => {
      const parsed = parseMarketTime(text)!;
      expect(formatMarketTime(parsed.time)).toBe(text);
      expect(parseMarketTime(formatMarketTime(parsed.time))).toEqual(parsed);
    },
  );

  it("formats day keys", () => {
    expect(formatDay(20131007)).toBe("2013-10-07");
    expect(formatDay(20050101)).toBe("2005-01-01");
  });
});

describe("parseDay", () => {
  it("turns YYYY-MM-DD into a yyyymmdd key", () => {
    expect(parseDay("2013-10-07")).toBe(20131007);
    expect(parseDay("2012-02-29")).toBe(20120229);
  });

  it.each(["2013-02-30", "2013-10-07T09:30", "20131007", "2013-1-7", ""])("rejects %j", (text) => {
    expect(parseDay(text)).toBeUndefined();
  });
});
