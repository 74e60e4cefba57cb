package io.llmgatling.cli;

public final class LlmGatlingCli {
  public static void main(String[] args) {
    System.out.println("llm-gatling");
  }
}
