package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgatling.engine.Operation;
import io.llmgatling.engine.dialect.Dialects;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskMixTest {

  @Test
  void should_default_to_the_documented_mix() {
    TaskMix mix = TaskMix.defaults();

    assertThat(mix.weights()).containsExactly(Map.entry("chat", 60), Map.entry("completion", 10),
        Map.entry("long-context", 15), Map.entry("embeddings", 15));
    assertThat(mix.fraction("chat")).isEqualTo(0.6);
    assertThat(mix.fraction("code")).isZero();
    assertThat(mix.percentages()).extracting(Map.Entry::getValue).containsExactly(60.0, 10.0, 15.0, 15.0);
  }

  @Test
  void should_run_only_the_named_task_when_it_is_alone() {
    TaskMix mix = TaskMix.parse(" code ");

    assertThat(mix.tasks()).containsExactly(Tasks.CODE);
    assertThat(mix.fraction("code")).isEqualTo(1.0);
  }

  @Test
  void should_drop_zero_weights_and_keep_the_given_order() {
    TaskMix mix = TaskMix.parse("embeddings:1, chat:3, code:0");

    assertThat(mix.tasks()).containsExactly(Tasks.EMBEDDINGS, Tasks.CHAT);
    assertThat(mix.fraction("embeddings")).isEqualTo(0.25);
    assertThat(mix.toString()).isEqualTo("embeddings:1,chat:3");
  }

  @Test
  void should_reject_an_unknown_task_listing_the_known_ones() {
    assertThatThrownBy(() -> TaskMix.parse("chat:60,summarize:40"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("llm.mix: unknown task 'summarize', expected one of: chat, completion, long-context, code, "
            + "embeddings, tools, structured, vision");
  }

  @Test
  void should_reject_bad_weights_duplicates_and_empty_mixes() {
    assertThatThrownBy(() -> TaskMix.parse("chat:lots")).hasMessageStartingWith("llm.mix: 'chat:lots' is not name:weight");
    assertThatThrownBy(() -> TaskMix.parse("chat:-1")).hasMessageStartingWith("llm.mix: 'chat:-1'");
    assertThatThrownBy(() -> TaskMix.parse("chat:1,chat:2")).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> TaskMix.parse("chat:0")).hasMessageContaining("no task with a weight above 0");
  }

  @Test
  void should_describe_every_built_in_task() {
    assertThat(Tasks.all()).extracting(TaskSpec::name)
        .containsExactly("chat", "completion", "long-context", "code", "embeddings", "tools", "structured",
            "vision");
    assertThat(Tasks.EMBEDDINGS.batchSize()).isEqualTo(8);
    assertThat(Tasks.EMBEDDINGS.defaultStream()).isFalse();
    assertThat(Tasks.CHAT.maxTurns()).isEqualTo(3);
    assertThat(Tasks.CHAT.defaultSlos()).extracting(Slo::expr).contains("chat:ttft.p95<5s");
    assertThat(Tasks.all()).allSatisfy(task ->
        assertThat(task.defaultSlos()).allSatisfy(slo -> assertThat(slo.task()).isEqualTo(task.name())));
  }

  @Test
  void should_map_completion_onto_each_api() {
    assertThat(Tasks.COMPLETION.operationFor(Dialects.byId("ollama"))).isEqualTo(Operation.GENERATE);
    assertThat(Tasks.COMPLETION.operationFor(Dialects.byId("openai"))).isEqualTo(Operation.COMPLETION);
    assertThat(Tasks.COMPLETION.operationFor(Dialects.byId("llamacpp"))).isEqualTo(Operation.COMPLETION);
    assertThat(Tasks.CHAT.operationFor(Dialects.byId("lmstudio"))).isEqualTo(Operation.CHAT);
  }

  @Test
  void should_find_tasks_by_name() {
    assertThat(Tasks.byName("long-context")).isSameAs(Tasks.LONG_CONTEXT);
    assertThatThrownBy(() -> Tasks.byName("rag")).isInstanceOf(ConfigException.class).hasMessageContaining("chat");
  }
}
