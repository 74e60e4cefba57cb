package io.llmgatling.javaapi;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.llmgatling.engine.Message;
import io.llmgatling.engine.Operation;
import io.llmgatling.engine.Part;
import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.engine.gatling.LlmActionSpec;
import io.llmgatling.engine.gatling.LlmProtocol;
import io.llmgatling.engine.gatling.LlmRequestActionBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Uses the whole DSL once (so that it keeps compiling) and checks what the builders hand to Gatling. */
class LlmDslTest {

  @Test
  void should_build_every_part_of_the_dsl() {
    LlmProtocolBuilder protocol = llm
        .baseUrl("http://127.0.0.1:11434/")
        .ollama().openai().lmstudio().llamacpp().api("ollama")
        .apiKey("secret-key")
        .model("llama3.2:3b", "qwen2.5:7b")
        .models(List.of("llama3.2:3b"))
        .connectTimeout(Duration.ofSeconds(2))
        .firstTokenTimeout(Duration.ofSeconds(30))
        .idleTimeout(Duration.ofSeconds(10))
        .totalTimeout(Duration.ofMinutes(2))
        .option("temperature", 0.2)
        .options(Map.of("seed", 42))
        .stream(true)
        .maxTokens(256)
        .insecureTls()
        .maxResponseBytes(1 << 20);

    ChainBuilder chat = exec(llm("chat").chat()
        .task("chat")
        .model("#{model}")
        .model(session -> "llama3.2:3b")
        .system("You are terse.")
        .user("#{question}")
        .user(session -> "and why?")
        .message(assistant("ok"), user("go on"))
        .messages(session -> List.of(Message.user("more")))
        .conversation("history")
        .stream(true)
        .maxTokens(64)
        .option("top_p", 0.9)
        .option("seed", session -> session.userId())
        .optionEl("stop", "#{stopWord}")
        .options(Map.of("num_ctx", 4096))
        .check(text().notEmpty().saveAs("answer"), text().contains("a"), text().matches("\\w+"),
            finishReason().is("stop"), outputTokens().gte(1).lte(64)));
    ChainBuilder generate = exec(llm("generate").generate().prompt("Write about #{topic}").prompt(s -> "x"));
    ChainBuilder completion = exec(llm("completion").completion().prompt("def fib(n):").stream(false));
    ChainBuilder embed = exec(llm("embed").embed().input("a", "#{b}").inputs(s -> List.of("c"))
        .inputsFrom("#{inputs}").check(embeddings().is(1), dimensions().gte(1)));
    ScenarioBuilder scenario = scenario("all").exec(chat, generate, completion, embed);

    assertThat(scenario).isNotNull();
    LlmProtocol built = (LlmProtocol) protocol.protocol();
    assertThat(built.api()).isEqualTo(Dialects.byId("ollama"));
    assertThat(built.baseUrl().toString()).isEqualTo("http://127.0.0.1:11434");
    assertThat(built.models()).containsExactly("llama3.2:3b");
    assertThat(built.timeouts().firstToken()).isEqualTo(Duration.ofSeconds(30));
    assertThat(built.options()).containsEntry("temperature", 0.2).containsEntry("seed", 42);
    assertThat(built.insecureTls()).isTrue();
    assertThat(built.toString()).doesNotContain("secret-key");
  }

  @Test
  void should_hand_an_immutable_spec_to_gatling() {
    LlmActionBuilder base = llm("chat").chat().user("hi");
    LlmActionBuilder longer = base.maxTokens(10).check(text().notEmpty());

    LlmActionSpec baseSpec = ((LlmRequestActionBuilder) base.asScala()).spec();
    LlmActionSpec longerSpec = ((LlmRequestActionBuilder) longer.asScala()).spec();
    assertThat(baseSpec.maxTokens()).isNull();
    assertThat(baseSpec.checks()).isEmpty();
    assertThat(longerSpec.maxTokens()).isEqualTo(10);
    assertThat(longerSpec.checks()).hasSize(1);
    assertThat(longerSpec.operation()).isEqualTo(Operation.CHAT);
    assertThat(longerSpec.task()).isEqualTo("chat");
  }

  @Test
  void should_reject_bad_input_with_a_clear_message() {
    assertThatThrownBy(() -> llm.baseUrl("localhost:11434"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected http(s)://host");
    assertThatThrownBy(() -> llm.api("tgi"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ollama, openai, lmstudio, llamacpp, responses, anthropic");
    assertThatThrownBy(() -> llm("x").chat().maxTokens(0)).hasMessageContaining("maxTokens must be >= 1");
    assertThatThrownBy(() -> llm(" ")).hasMessageContaining("non-empty name");
  }

  @Test
  void should_stamp_the_intended_start_where_the_request_reads_it() {
    io.gatling.javaapi.core.Session session = new io.gatling.javaapi.core.Session(
        io.gatling.core.session.Session$.MODULE$.apply("chat", 1L, null));

    io.gatling.javaapi.core.Session stamped = withIntendedStart(session, 123_456_789L);

    assertThat(intendedStart(session)).isNull();
    assertThat(intendedStart(stamped)).isEqualTo(123_456_789L);
    assertThat(stamped.getLong(io.llmgatling.engine.gatling.LlmAction.INTENDED_START_KEY)).isEqualTo(123_456_789L);
  }

  @Test
  void should_resolve_a_dsl_message_with_parts_into_engine_parts() {
    byte[] png = {1, 2, 3};
    LlmActionBuilder chat = llm("vision").chat()
        .message(LlmDsl.user("What is this?").withImage("image/png", png),
            LlmDsl.assistant("").withToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
            LlmMessage.toolResult("call_1", "21 C"));
    LlmActionSpec spec = ((LlmRequestActionBuilder) chat.asScala()).spec();
    // constant texts: no session needed to resolve them
    assertThat(spec.messages()).extracting(m -> m.parts().apply(null)).containsExactly(
        List.of(new Part.Text("What is this?"), new Part.Image("image/png", png)),
        List.of(new Part.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")),
        List.of(new Part.ToolResult("call_1", "21 C")));
    assertThat(spec.messages()).extracting(LlmActionSpec.MessageTemplate::role)
        .containsExactly("user", "assistant", "tool");
  }
}
