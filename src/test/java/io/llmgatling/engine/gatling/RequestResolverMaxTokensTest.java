package io.llmgatling.engine.gatling;

import static io.llmgatling.javaapi.LlmDsl.llm;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatling.javaapi.core.Session;
import io.llmgatling.engine.LlmRequest;
import io.llmgatling.javaapi.LlmActionBuilder;
import org.junit.jupiter.api.Test;

/** An output cap computed per request from the session (a replayed trace's output_length). */
class RequestResolverMaxTokensTest {

  private static LlmRequest resolve(LlmActionBuilder action, Session session) {
    return RequestResolver.resolve(((LlmRequestActionBuilder) action.asScala()).spec(), LlmProtocol.DEFAULT, session);
  }

  private static Session session() {
    return new Session(io.gatling.core.session.Session$.MODULE$.apply("trace", 1L, null));
  }

  @Test
  void should_send_the_sessions_cap_instead_of_the_fixed_one_and_no_option_for_it() {
    LlmActionBuilder action = llm("chat").chat().model("m").user("hi").maxTokens(64).option("temperature", 0)
        .maxTokens(s -> s.getInt("outputLength"));

    LlmRequest request = resolve(action, session().set("outputLength", 7));

    assertThat(request.maxTokens()).isEqualTo(7);
    assertThat(request.options()).containsOnlyKeys("temperature");
  }

  @Test
  void should_keep_the_fixed_cap_when_the_session_gives_none() {
    LlmActionBuilder action = llm("chat").chat().model("m").user("hi").maxTokens(64).maxTokens(s -> null);

    assertThat(resolve(action, session()).maxTokens()).isEqualTo(64);
  }
}
