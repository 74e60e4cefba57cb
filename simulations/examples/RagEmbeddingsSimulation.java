package examples;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.llmgatling.javaapi.LlmDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.llmgatling.harness.LlmInjection;
import io.llmgatling.harness.LlmSimulation;
import io.llmgatling.workload.Tasks;
import java.util.List;
import java.util.Map;

/**
 * Retrieval-augmented generation: embed a batch of passages (indexing), embed the question (the query),
 * then answer the question with a chat over the retrieved passages. Two models share the server: an
 * embedding model and a chat model, as in a real RAG service.
 *
 * <p>The ranking itself (cosine similarity over the vectors) runs in the application, not on the LLM
 * server, so it costs the server nothing: here the batch's passages stand in for the retrieved top-k. What
 * loads the server is the same as in production: batched embeddings and a long, passage-filled prompt.
 *
 * <pre>
 * mvn gatling:test -Dgatling.simulationClass=examples.RagEmbeddingsSimulation
 * mvn gatling:test -Dgatling.simulationClass=examples.RagEmbeddingsSimulation \
 *     -Dllm.target=ollama -Dllm.model=llama3.2,nomic-embed-text -Dllm.embeddings.batchSize=16
 * </pre>
 */
public class RagEmbeddingsSimulation extends LlmSimulation {

  // which model embeds and which answers: names containing "embed" embed, unless llm.embeddingModels says so
  private final String embedModel = workload().modelsFor(Tasks.EMBEDDINGS).get(0);
  private final String chatModel = workload().modelsFor(Tasks.CHAT).get(0);

  ScenarioBuilder rag = scenario("rag")
      // #{inputs}: llm.embeddings.batchSize passages (default 8) from user-files/prompts/embeddings.jsonl
      .feed(workload().promptSet(Tasks.EMBEDDINGS).feeder(workload().seed()))
      .feed(listFeeder(List.of(
          Map.<String, Object>of("question", "My device shows an error code. What should I do?"),
          Map.<String, Object>of("question", "Summarise the advice in these notes in three bullet points."),
          Map.<String, Object>of("question", "Which of these passages is about maintenance?"))).random())
      .exec(llm("embed-passages").embed().model(embedModel)
          .inputsFrom("#{inputs}")                       // one request, a batch of texts
          .check(embeddings().gte(1), dimensions().gte(8)))
      .exec(llm("embed-question").embed().model(embedModel)
          .input("#{question}")
          .check(embeddings().gte(1)))
      .exec(llm("answer").chat().model(chatModel)
          .system("Answer only from the passages. Say so when they do not contain the answer.")
          .user(RagEmbeddingsSimulation::promptWithPassages)
          .maxTokens(200)
          .check(text().notEmpty()));

  {
    setUp(rag.injectOpen(LlmInjection.open(workload().injectedProfile())))
        .protocols(llmProtocol());
  }

  private static String promptWithPassages(Session session) {
    List<String> passages = session.getList("inputs");
    StringBuilder prompt = new StringBuilder("Passages:\n");
    for (int i = 0; i < passages.size(); i++) {
      prompt.append('[').append(i + 1).append("] ").append(passages.get(i)).append('\n');
    }
    return prompt.append("\nQuestion: ").append(session.getString("question")).toString();
  }
}
