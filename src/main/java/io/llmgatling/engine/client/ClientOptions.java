package io.llmgatling.engine.client;

import io.netty.channel.EventLoopGroup;

/** STUB (replaced by the engine branch). */
public record ClientOptions(EventLoopGroup eventLoopGroup, boolean insecureTls, long maxResponseBytes) {
  public static ClientOptions defaults() {
    return new ClientOptions(null, false, 64L << 20);
  }
}
