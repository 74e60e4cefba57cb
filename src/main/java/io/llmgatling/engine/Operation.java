package io.llmgatling.engine;

/** What a request asks of the model. */
public enum Operation {
  CHAT("chat"), GENERATE("generate"), COMPLETION("completion"), EMBED("embed");

  private final String id;

  Operation(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
