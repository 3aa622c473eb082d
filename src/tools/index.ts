/** The one tool catalog: served to the LLM agent, the MCP server and the chat participant. */
export { CalculatorError, evaluate } from "./calculator";
export { ToolError, callTool, defineTool, describeTool, findTool, inputJsonSchema, toChatCompletionTools } from "./tool";
export type { ChatCompletionTool, Tool, ToolContext, ToolKind, ToolResult, TradingToolContext } from "./tool";
export { TRADING_TOOLS } from "./trading-tools";
