package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgatling.engine.Message;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetTest {

  private static final Path USER_FILES = Path.of("user-files");

  @TempDir
  Path dir;

  private static PromptSet jsonl(String... lines) throws IOException {
    return PromptSet.parse("test.jsonl", new StringReader(String.join("\n", lines)), 1);
  }

  @Test
  void should_read_plain_prompts_with_optional_system_and_turns() throws IOException {
    PromptSet set = jsonl("{\"prompt\":\"Hi\"}", "", "{\"system\":\"Be brief.\",\"prompt\":\"Why?\",\"turns\":[\"And?\"]}");

    assertThat(set.entries()).containsExactly(
        PromptSet.Entry.of("Hi"),
        new PromptSet.Entry("Be brief.", List.of(Message.user("Why?")), List.of("And?")));
    assertThat(set.entries().get(1).messagesWithSystem())
        .containsExactly(Message.system("Be brief."), Message.user("Why?"));
  }

  @Test
  void should_read_openai_style_messages_keeping_the_history() throws IOException {
    PromptSet set = jsonl("{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"a\"},"
        + "{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"c\"}]}");

    PromptSet.Entry entry = set.entries().get(0);
    assertThat(entry.system()).isEqualTo("S");
    assertThat(entry.messages()).containsExactly(Message.user("a"), Message.assistant("b"), Message.user("c"));
    assertThat(entry.prompt()).isEqualTo("c");
  }

  @Test
  void should_read_sharegpt_conversations_as_a_first_message_and_follow_up_turns() throws IOException {
    PromptSet set = jsonl("{\"conversations\":[{\"from\":\"system\",\"value\":\"S\"},{\"from\":\"human\",\"value\":\"q1\"},"
        + "{\"from\":\"gpt\",\"value\":\"a1\"},{\"from\":\"human\",\"value\":\"q2\"},{\"from\":\"gpt\",\"value\":\"a2\"},"
        + "{\"from\":\"human\",\"value\":\"q3\"}]}");

    assertThat(set.entries()).containsExactly(new PromptSet.Entry("S", List.of(Message.user("q1")), List.of("q2", "q3")));
  }

  @Test
  void should_wrap_a_document_and_its_question_into_one_prompt() throws IOException {
    PromptSet set = jsonl("{\"document\":\"The report.\",\"question\":\"Who wrote it?\"}");

    assertThat(set.entries().get(0).prompt()).contains("<document>\nThe report.\n</document>").endsWith("Who wrote it?");
  }

  @Test
  void should_name_the_file_and_line_of_a_malformed_entry() {
    assertThatThrownBy(() -> jsonl("{\"prompt\":\"ok\"}", "{\"prompt\":", "x"))
        .isInstanceOf(ConfigException.class).hasMessage("prompt set test.jsonl line 2: not valid JSON");
    assertThatThrownBy(() -> jsonl("{\"question\":\"?\"}")).hasMessageStartingWith("prompt set test.jsonl line 1: expected");
    assertThatThrownBy(() -> jsonl("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}"))
        .hasMessageContaining("must end with a user message");
    assertThatThrownBy(() -> jsonl("")).hasMessage("prompt set test.jsonl: no prompts in it");
  }

  @Test
  void should_read_csv_with_a_prompt_column_and_quoted_fields() throws IOException {
    Path csv = dir.resolve("mine.csv");
    Files.writeString(csv, "id,prompt,system\n1,\"Hello, world\",\n2,\"Say \"\"hi\"\"\nthen stop\",Be kind\n\n");

    PromptSet set = PromptSet.load(csv, 1);

    assertThat(set.entries()).containsExactly(PromptSet.Entry.of("Hello, world"),
        new PromptSet.Entry("Be kind", List.of(Message.user("Say \"hi\"\nthen stop")), List.of()));
  }

  @Test
  void should_reject_a_csv_without_prompt_column_and_a_missing_file_naming_the_path() throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "question\nwhy\n");

    assertThatThrownBy(() -> PromptSet.load(csv, 1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(csv.toString()).hasMessageContaining("no 'prompt' column");
    assertThatThrownBy(() -> PromptSet.load(dir.resolve("nope.jsonl"), 1)).isInstanceOf(ConfigException.class)
        .hasMessage("prompt set " + dir.resolve("nope.jsonl") + ": no such file");
  }

  @Test
  void should_feed_endless_seeded_records_with_every_key() throws IOException {
    PromptSet set = jsonl("{\"prompt\":\"a\"}", "{\"prompt\":\"b\",\"turns\":[\"b2\"]}", "{\"prompt\":\"c\"}");

    List<Object> first = prompts(set.feeder(7), 50);
    assertThat(prompts(set.feeder(7), 50)).isEqualTo(first);
    assertThat(prompts(set.feeder(8), 50)).isNotEqualTo(first);
    assertThat(first).contains("a", "b", "c");

    Map<String, Object> record = set.feeder(1).next();
    assertThat(record).containsOnlyKeys("prompt", "messages", "system", "turns", "inputs");
    assertThat(record.get("system")).isEqualTo("");
    assertThat(record.get("messages")).isEqualTo(List.of(Message.user((String) record.get("prompt"))));
    assertThat(record.get("inputs")).isEqualTo(List.of(record.get("prompt")));
  }

  @Test
  void should_feed_circularly_in_file_order() throws IOException {
    PromptSet set = jsonl("{\"prompt\":\"a\"}", "{\"prompt\":\"b\"}");

    assertThat(prompts(set.circular(), 5)).containsExactly("a", "b", "a", "b", "a");
  }

  @Test
  void should_batch_embedding_inputs() throws IOException {
    PromptSet set = PromptSet.parse("e.jsonl", new StringReader("{\"text\":\"x\"}\n{\"text\":\"y\"}\n{\"text\":\"z\"}"), 8);

    @SuppressWarnings("unchecked")
    List<String> inputs = (List<String>) set.feeder(3).next().get("inputs");
    assertThat(inputs).hasSize(8).allMatch(List.of("x", "y", "z")::contains);
  }

  @Test
  void should_ship_built_in_prompt_sets_of_the_promised_size() {
    PromptSet chat = PromptSet.load(USER_FILES.resolve("prompts/chat.jsonl"), 1);
    assertThat(chat.size()).isGreaterThanOrEqualTo(40);
    assertThat(chat.entries()).anyMatch(entry -> !entry.turns().isEmpty());
    assertThat(chat.entries()).anyMatch(entry -> entry.messages().size() > 1);
    assertThat(chat.entries()).allMatch(entry -> entry.turns().size() < Tasks.CHAT.maxTurns());
    assertThat(chat.entries().stream().mapToInt(entry -> entry.prompt().length()).max().orElseThrow())
        .isGreaterThan(300);

    PromptSet longContext = PromptSet.load(USER_FILES.resolve("prompts/long-context.jsonl"), 1);
    assertThat(longContext.entries().stream().map(PromptSet.Entry::prompt).distinct().count())
        .isGreaterThanOrEqualTo(4);
    // 2,000-6,000 tokens at roughly 4 characters per token
    assertThat(longContext.entries()).allSatisfy(entry -> assertThat(entry.prompt().length()).isBetween(8_000, 24_000));

    assertThat(PromptSet.load(USER_FILES.resolve("prompts/embeddings.jsonl"), 8).size()).isGreaterThanOrEqualTo(100);
    assertThat(PromptSet.load(USER_FILES.resolve("prompts/completion.jsonl"), 1).size()).isGreaterThanOrEqualTo(20);
    assertThat(PromptSet.load(USER_FILES.resolve("prompts/code.jsonl"), 1).size()).isGreaterThanOrEqualTo(20);
  }

  private static List<Object> prompts(Iterator<Map<String, Object>> feeder, int count) {
    List<Object> prompts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      prompts.add(feeder.next().get("prompt"));
    }
    return prompts;
  }
}
