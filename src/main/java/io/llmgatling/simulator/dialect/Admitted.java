package io.llmgatling.simulator.dialect;

import io.llmgatling.simulator.ModelSpec;
import java.util.SplittableRandom;

/**
 * A request whose model the server has: the spec, the name as the client wrote it (echoed back), its number,
 * and its seeded random numbers ({@link #random} gives the text seed when the request does not fix one; the
 * jitter seed and the fault were drawn from it first).
 */
public record Admitted(ModelSpec model, String modelName, long sequence, SplittableRandom random, long jitterSeed,
    String fault) {
}
