package io.llmgatling.simulator.dialect;

/**
 * The bytes around one streamed token, built once per request: {@code prefix [stamp middle] token suffix},
 * where the engine writes the current {@code created_at} stamp between prefix and middle when middle is set.
 */
public record ChunkTemplate(byte[] prefix, byte[] middle, byte[] suffix) {
}
