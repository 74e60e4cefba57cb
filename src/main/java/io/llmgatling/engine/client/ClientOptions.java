package io.llmgatling.engine.client;

import io.netty.channel.EventLoopGroup;

/**
 * Settings of an {@link LlmClient}.
 *
 * @param eventLoopGroup   the Netty event loops to run on (e.g. Gatling's, so that a virtual user
 *                         resumes without a thread hop); null = the client creates and owns its own
 *                         (epoll when available, else NIO) and shuts it down on close
 * @param insecureTls      accept any server certificate (self-signed dev servers); only when true
 * @param maxResponseBytes largest response body accepted; a larger one ends the request as
 *                         {@code malformed} with a message saying so
 */
public record ClientOptions(EventLoopGroup eventLoopGroup, boolean insecureTls, long maxResponseBytes) {
  /** 64 MiB: far above any chat answer, low enough to stop a runaway stream from eating the heap. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L * 1024 * 1024;

  public ClientOptions {
    if (maxResponseBytes <= 0) {
      throw new IllegalArgumentException("maxResponseBytes must be positive, got " + maxResponseBytes);
    }
  }

  /** Own event loops, certificates verified, {@value #DEFAULT_MAX_RESPONSE_BYTES} bytes per response. */
  public static ClientOptions defaults() {
    return new ClientOptions(null, false, DEFAULT_MAX_RESPONSE_BYTES);
  }

  /** A copy running on the given event loops. */
  public ClientOptions withEventLoopGroup(EventLoopGroup group) {
    return new ClientOptions(group, insecureTls, maxResponseBytes);
  }

  /** A copy with certificate checks switched on or off. */
  public ClientOptions withInsecureTls(boolean insecure) {
    return new ClientOptions(eventLoopGroup, insecure, maxResponseBytes);
  }

  /** A copy with another response size limit. */
  public ClientOptions withMaxResponseBytes(long max) {
    return new ClientOptions(eventLoopGroup, insecureTls, max);
  }
}
