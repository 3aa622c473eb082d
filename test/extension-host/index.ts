/**
 * Runs inside the real extension host (code-server's), started by the workbench from the
 * extensionTestsPath: mocha over every *.test.js bundled beside this file. Results go to the JSON file
 * named by AIBT_EH_RESULTS (the vitest side reads it) and to the log, ending with "N passed, N failed".
 */
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import Mocha from "mocha";

interface Result {
  title: string;
  state: "passed" | "failed";
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: "tdd", color: false, timeout: 180_000, reporter: "spec" });
  const only = process.env.AIBT_EH_GREP;
  if (only) mocha.grep(only);
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith(".test.js")).sort()) mocha.addFile(path.join(__dirname, file));
  const results: Result[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on("pass", (test) => results.push({ title: test.fullTitle(), state: "passed", durationMs: test.duration ?? 0 }));
    runner.on("fail", (test, error: Error) => results.push({ title: test.fullTitle(), state: "failed", error: error.stack ?? error.message }));
  });
  const passed = results.filter((r) => r.state === "passed").length;
  if (process.env.AIBT_EH_RESULTS) writeFileSync(process.env.AIBT_EH_RESULTS, JSON.stringify(results, null, 2));
  console.log(`${passed} passed, ${results.length - passed} failed`);
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
