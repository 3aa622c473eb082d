import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { suite, test } from "mocha";
import type { AibtApi } from "../../extension/extension";
import { aibt } from "./helpers";

suite("activation", () => {
  test("activates and registers every contributed command", async () => {
    const api: AibtApi = await aibt();
    assert.ok(api.tree, "activate() returned the tree");
    const commands = new Set(await vscode.commands.getCommands(true));
    const contributed = (vscode.extensions.getExtension("aibt.aibt")!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 15);
    for (const id of contributed) assert.ok(commands.has(id), `${id} is contributed but not registered`);
  });
});
