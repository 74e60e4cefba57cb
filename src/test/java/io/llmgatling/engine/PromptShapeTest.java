package io.llmgatling.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmgatling.engine.dialect.Dialects;
import io.llmgatling.workload.SharedPrefix;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptShapeTest {

  private static LlmRequest request(Operation op, List<Message> messages, String prompt) {
    return new LlmRequest("chat", Dialects.byId("openai"), op, URI.create("http://127.0.0.1:1"), null, "m", messages,
        prompt, List.of("a"), true, 8, Map.of(), Timeouts.DEFAULT);
  }

  @Test
  void should_put_the_shared_prefix_in_a_system_message_in_front_of_a_chat() {
    LlmRequest sent = new PromptShape("PREFIX", false).apply(request(Operation.CHAT,
        List.of(Message.user("hi")), null));

    assertThat(sent.messages()).extracting(Message::role).containsExactly("system", "user");
    assertThat(sent.messages().get(0).text()).isEqualTo("PREFIX");
  }

  @Test
  void should_merge_the_shared_prefix_into_the_tasks_own_system_message() {
    LlmRequest sent = new PromptShape("PREFIX", false).apply(request(Operation.CHAT,
        List.of(Message.system("Be brief."), Message.user("hi")), null));

    assertThat(sent.messages()).hasSize(2);
    assertThat(sent.messages().get(0).text()).isEqualTo("PREFIX\n\nBe brief.");
  }

  @Test
  void should_start_every_prompt_with_a_different_nonce_before_the_shared_prefix() {
    PromptShape shape = new PromptShape("PREFIX", true);
    LlmRequest chat = request(Operation.CHAT, List.of(Message.user("hi")), null);

    String first = shape.apply(chat).messages().get(0).text();
    String second = shape.apply(chat).messages().get(0).text();
    String completion = shape.apply(request(Operation.COMPLETION, List.of(), "Once")).prompt();

    assertThat(first).matches("[0-9a-f]{16}\nPREFIX");
    assertThat(second).matches("[0-9a-f]{16}\nPREFIX").isNotEqualTo(first);
    assertThat(completion).matches("[0-9a-f]{16}\nPREFIX\n\nOnce");
  }

  @Test
  void should_leave_embeddings_and_an_empty_shape_alone() {
    LlmRequest embed = request(Operation.EMBED, List.of(), null);
    LlmRequest chat = request(Operation.CHAT, List.of(Message.user("hi")), null);

    assertThat(new PromptShape("PREFIX", true).apply(embed)).isSameAs(embed);
    assertThat(PromptShape.NONE.apply(chat)).isSameAs(chat);
  }

  @Test
  void should_write_a_seeded_shared_prefix_of_about_the_asked_tokens() {
    String text = SharedPrefix.text(500, 42);

    assertThat(text).isEqualTo(SharedPrefix.text(500, 42)).isNotEqualTo(SharedPrefix.text(500, 43));
    assertThat(text.length()).isBetween(500 * 4 - 40, 500 * 4);
    assertThat(SharedPrefix.text(0, 42)).isEmpty();
  }
}
