import { it } from "vitest";
import { TslabKernel } from "../../../kernel/jupyter";
import { notebookFolder } from "./kernel-helpers";
it("probe", async () => {
  const f = notebookFolder();
  const k = await TslabKernel.start({ cwd: f.dir, startTimeoutMs: 10000 });
  for (const c of ['for (let i = 0; i < 3000; i++) console.log(i)', 'for (let i = 0; i < 100000; i++) console.log(i)', '1+1']) {
    const t = performance.now();
    const r = await k.execute(c);
    const text = r.outputs.map(o => o.output_type === "stream" ? o.text : "").join("");
    console.log("PROBE", r.status, r.durationMs, Math.round(performance.now() - t), r.outputs.length, text.split("\n").length, JSON.stringify(text.slice(-20)));
  }
  const t = performance.now(); await k.shutdown(); console.log("PROBE shutdown", Math.round(performance.now() - t)); f.cleanup();
}, 60000);
