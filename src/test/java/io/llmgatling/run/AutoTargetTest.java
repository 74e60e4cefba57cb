package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgatling.engine.Operation;
import io.llmgatling.workload.ConfigException;
import io.llmgatling.workload.Target;
import io.llmgatling.workload.Tasks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoTargetTest {

  @Test
  void should_say_in_one_line_that_no_server_answered() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    int port = closed;
    assertThatThrownBy(() -> AutoTarget.resolve(Map.of("llm.auto.ports", "ollama:" + port),
        new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("llm.target: auto: no server answered on 127.0.0.1 (ollama:" + port + ")");
  }

  @Test
  void should_refuse_a_port_list_entry_without_a_kind() {
    assertThatThrownBy(() -> AutoTarget.resolve(Map.of("llm.auto.ports", "11434"),
        new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'11434' is not kind:port");
  }

  @Test
  void should_name_the_servers_own_context_setting_in_the_fix() {
    var longContext = Tasks.find("long-context").orElseThrow();
    assertThat(SmokeRequests.fix(Target.OLLAMA, longContext, Operation.CHAT, "context length exceeded"))
        .contains("-Dllm.option.long-context.num_ctx=");
    assertThat(SmokeRequests.fix(Target.LLAMACPP, longContext, Operation.CHAT,
        "the request exceeds the available context size")).contains("--ctx-size");
    assertThat(SmokeRequests.fix(Target.LMSTUDIO, longContext, Operation.CHAT, "context overflow"))
        .contains("context length");
    assertThat(SmokeRequests.fix(Target.OLLAMA, Tasks.find("embeddings").orElseThrow(), Operation.EMBED,
        "this model does not support embeddings")).contains("embedding model");
  }
}
