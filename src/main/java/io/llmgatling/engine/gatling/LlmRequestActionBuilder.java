package io.llmgatling.engine.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.action.builder.ActionBuilder;
import io.gatling.core.structure.ScenarioContext;

/** Gatling's (Scala) view of an LLM action: builds one {@link LlmAction} per place it appears in a scenario. */
public final class LlmRequestActionBuilder implements ActionBuilder {
  private final LlmActionSpec spec;

  public LlmRequestActionBuilder(LlmActionSpec spec) {
    this.spec = spec;
  }

  public LlmActionSpec spec() {
    return spec;
  }

  @Override
  public Action build(ScenarioContext ctx, Action next) {
    LlmComponents components = ctx.protocolComponentsRegistry().components(LlmProtocol.KEY);
    return new LlmAction(spec, components, next);
  }
}
