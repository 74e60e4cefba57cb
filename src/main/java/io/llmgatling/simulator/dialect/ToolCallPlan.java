package io.llmgatling.simulator.dialect;

/**
 * A tool call the simulated model answers with instead of text (the request offered tools and the model chose to
 * call one): its id, the function's name and its arguments as JSON text. The argument text is generated at the
 * decode rate, one token a piece, like any output.
 *
 * @param id            the call's id (OpenAI {@code call_...}, Anthropic {@code toolu_...}); the wire may reshape it
 * @param name          the function's name, one of the request's tools
 * @param argumentsJson the arguments, a JSON object as text, valid against the tool's parameter schema
 */
public record ToolCallPlan(String id, String name, String argumentsJson) {
}
