package io.llmgatling.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK reads the simulator's /v1 answers unchanged. */
class OpenAiSdkIT {
  private static LlmSimulator sim;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    sim = LlmSimulator.start(SimulatorConfig.defaults().toBuilder().port(0).loadTimeMs(20)
        .rates(50_000, 2000, 0.05).build());
    client = OpenAIOkHttpClient.builder().baseUrl(sim.baseUrl() + "/v1").apiKey("not-needed").maxRetries(0)
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    sim.close();
  }

  private static ChatCompletionCreateParams.Builder chat() {
    return ChatCompletionCreateParams.builder().model("llama3.2:3b").addUserMessage("Why is the sky blue?")
        .maxCompletionTokens(7);
  }

  @Test
  void should_read_a_non_streamed_chat_completion_with_usage() {
    ChatCompletion completion = client.chat().completions().create(chat().build());
    completion.validate();
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(c -> assertThat(c).isNotBlank());
    assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
    assertThat(completion.usage()).hasValueSatisfying(u -> {
      assertThat(u.completionTokens()).isEqualTo(7);
      assertThat(u.promptTokens()).isEqualTo(5);
      assertThat(u.totalTokens()).isEqualTo(12);
    });
    assertThat(completion.model()).isEqualTo("llama3.2:3b");
  }

  @Test
  void should_stream_a_chat_completion_and_its_usage_chunk() {
    List<String> pieces = new ArrayList<>();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    ChatCompletionCreateParams params = chat()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> {
        chunk.validate();
        chunks.add(chunk);
        chunk.choices().forEach(c -> c.delta().content().filter(s -> !s.isEmpty()).ifPresent(pieces::add));
      });
    }
    assertThat(pieces).hasSize(7);
    ChatCompletionChunk usage = chunks.get(chunks.size() - 1);
    assertThat(usage.choices()).isEmpty();
    assertThat(usage.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(7));
    ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
    assertThat(finish.choices().get(0).finishReason())
        .hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH);
  }

  @Test
  void should_read_a_legacy_completion() {
    Completion completion = client.completions().create(CompletionCreateParams.builder()
        .model(CompletionCreateParams.Model.of("qwen2.5:7b")).prompt("Once upon a time").maxTokens(3).build());
    completion.validate();
    assertThat(completion.choices().get(0).text()).isNotBlank();
    assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(3));
  }

  @Test
  void should_read_embeddings_in_the_default_base64_and_in_float() {
    EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder().model("nomic-embed-text")
        .inputOfArrayOfStrings(List.of("first", "second"));
    CreateEmbeddingResponse byDefault = client.embeddings().create(params.build());
    CreateEmbeddingResponse floats = client.embeddings().create(
        params.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

    assertThat(byDefault.data()).hasSize(2);
    List<Float> vector = byDefault.data().get(0).embedding();
    assertThat(vector).hasSize(768);
    double norm = vector.stream().mapToDouble(f -> f * f).sum();
    assertThat(norm).isBetween(0.99, 1.01);
    assertThat(floats.data().get(0).embedding()).isEqualTo(vector);
    assertThat(byDefault.usage().promptTokens()).isEqualTo(4);
  }

  @Test
  void should_list_the_models() {
    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertThat(ids).contains("llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest");
  }

  @Test
  void should_raise_the_sdks_not_found_error_for_an_unknown_model() {
    assertThatThrownBy(() -> client.chat().completions().create(chat().model("nope").build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("not found");
  }
}
