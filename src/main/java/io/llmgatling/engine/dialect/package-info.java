/**
 * Server APIs on the client side, one package each ({@code ollama}, {@code openai}, {@code lmstudio},
 * {@code llamacpp}), listed once in {@link io.llmgatling.engine.dialect.Dialects}.
 *
 * <p>A {@link io.llmgatling.engine.dialect.Dialect} owns everything about its API: its id ({@code llm.api}, DSL
 * {@code api(...)}, records), endpoint paths, the request body (message parts in the API's shape), the response
 * framing, a {@link io.llmgatling.engine.dialect.ChunkReader} that turns answers into typed
 * {@link io.llmgatling.engine.dialect.Chunk}s from the tree or from the tokens, its error wording, and how the
 * pre-flight asks a server about itself. The common code applies each chunk once
 * ({@link io.llmgatling.engine.dialect.ResponseAccumulator#accept}); the exchange never knows which API it reads.
 *
 * <p>Adding an API: a package {@code engine.dialect.<api>} with one {@code Dialect} (extend
 * {@code openai.OpenAiDialect} for an OpenAI-shaped one), and its line in {@code Dialects}. Nothing else in the
 * client changes: {@code llm.api}, the DSL's {@code api(...)}, the pre-flight and the records ask the registry.
 * Tests: its chunks read from the tokens equal those read from the tree ({@code DialectTest}), its body for each
 * message part ({@code MessagePartsTest}), its pre-flight ({@code DialectsTest}).
 */
package io.llmgatling.engine.dialect;
