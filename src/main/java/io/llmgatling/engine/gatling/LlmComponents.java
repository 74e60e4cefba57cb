package io.llmgatling.engine.gatling;

import io.gatling.core.CoreComponents;
import io.gatling.core.protocol.ProtocolComponents;
import io.gatling.core.session.Session;
import io.llmgatling.engine.client.ClientOptions;
import io.llmgatling.engine.client.LlmClient;
import io.llmgatling.engine.record.RecordSink;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * What every LLM action of a simulation shares: the protocol, one streaming client running on Gatling's own
 * event loops (so a virtual user resumes without a thread hop), and the run's record sink.
 */
public final class LlmComponents implements ProtocolComponents {

  private final LlmProtocol protocol;
  private final CoreComponents coreComponents;
  private final LlmClient client;
  private final RecordSink sink;

  LlmComponents(LlmProtocol protocol, CoreComponents coreComponents) {
    this.protocol = protocol;
    this.coreComponents = coreComponents;
    this.client = new LlmClient(new ClientOptions(coreComponents.eventLoopGroup(), protocol.insecureTls(),
        protocol.maxResponseBytes()));
    this.sink = RecordSinks.current();
    RecordSinks.closeAtEnd(client);
  }

  public LlmProtocol protocol() {
    return protocol;
  }

  public CoreComponents coreComponents() {
    return coreComponents;
  }

  public LlmClient client() {
    return client;
  }

  public RecordSink sink() {
    return sink;
  }

  @Override
  public Function1<Session, Session> onStart() {
    return session -> session;
  }

  @Override
  public Function1<Session, BoxedUnit> onExit() {
    return ProtocolComponents.NoopOnExit();
  }
}
