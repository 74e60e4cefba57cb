package io.llmgatling.engine.dialect;

import java.util.List;

/**
 * What a server said about itself before the load.
 *
 * @param version its version when it tells, else null
 * @param models  the models it lists
 * @param slots   its parallel slots when it tells (llama-server {@code /props}), else null
 */
public record ServerInfo(String version, List<String> models, Integer slots) {
  public ServerInfo {
    models = List.copyOf(models);
  }
}
