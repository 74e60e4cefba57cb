package io.llmgatling.workload;

/**
 * A user mistake in the run's configuration. The message is one line that names the key and what is
 * accepted; callers print it as is and stop before any load, never with a stack trace.
 */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  /** Prefixes the message with the key, the convention for every configuration error. */
  public static ConfigException forKey(String key, String problem) {
    return new ConfigException(key + ": " + problem);
  }

  // the message is the whole story: a stack trace would only bury it
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
