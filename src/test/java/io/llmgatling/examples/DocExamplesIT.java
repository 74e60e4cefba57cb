package io.llmgatling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgatling.support.ChildJvm;
import io.llmgatling.support.RunFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every simulation the docs show (a fenced {@code java} block of README.md or docs/*.md that declares a class
 * extending {@code LlmSimulation} or {@code Simulation}) compiles as written and runs green against the embedded
 * simulator, as a new user copying it would run it. Only the length of its injection is shortened (a
 * {@code .during(N)} becomes {@value #SECONDS} s) so that the test stays short; the examples of
 * {@code simulations/examples/} are run by {@link ExamplesIT}.
 */
class DocExamplesIT {
  private static final int SECONDS = 4;
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern SIMULATION_CLASS =
      Pattern.compile("public\\s+class\\s+(\\w+)\\s+extends\\s+(LlmSimulation|Simulation)\\b");
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);

  @TempDir
  Path work;

  /** A simulation found in a doc: where, its class name, its source. */
  record DocSimulation(Path doc, String className, String source) {
  }

  @Test
  void should_compile_and_run_every_simulation_of_the_readme_and_docs_with_zero_kos() throws IOException {
    List<DocSimulation> simulations = simulationsInDocs();
    assertThat(simulations).as("the README's MyChatSimulation at least").extracting(DocSimulation::className)
        .contains("MyChatSimulation");

    Path sources = work.resolve("src");
    Path classes = work.resolve("classes");
    Files.createDirectories(classes);
    List<String> files = new ArrayList<>();
    for (DocSimulation simulation : simulations) {
      Matcher pkg = PACKAGE.matcher(simulation.source());
      Path dir = pkg.find() ? sources.resolve(pkg.group(1).replace('.', '/')) : sources;
      Files.createDirectories(dir);
      Path file = dir.resolve(simulation.className() + ".java");
      Files.writeString(file, simulation.source().replaceAll("\\.during\\(\\d+\\)", ".during(" + SECONDS + ")"));
      files.add(file.toString());
    }
    compile(files, classes);

    for (DocSimulation simulation : simulations) {
      Matcher pkg = PACKAGE.matcher(simulation.source());
      String name = (pkg.find() ? pkg.group(1) + "." : "") + simulation.className();
      Path runWork = work.resolve("run-" + simulation.className());
      Path results = runWork.resolve("results");
      ChildJvm child = ChildJvm.start(name, runWork, Map.of("llm.results", results.toString(), "llm.progress", "0"),
          classes);

      assertThat(child.waitFor(120)).as(simulation.doc() + ": " + name + "\n" + child.console()).isZero();
      Path run;
      try (Stream<Path> runs = Files.list(results)) {
        run = runs.findFirst().orElseThrow();
      }
      JsonNode all = RunFiles.summary(run).path("all");
      assertThat(all.path("requests").asLong()).as(simulation.doc() + ": " + name).isPositive();
      assertThat(all.path("ko").asLong()).as(simulation.doc() + ": " + name + " KOs " + all.path("errors")
          + " " + RunFiles.records(run).stream().filter(r -> !r.path("ok").asBoolean()).limit(3).toList())
          .isZero();
    }
  }

  private static List<DocSimulation> simulationsInDocs() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(Path.of("README.md"));
    try (Stream<Path> files = Files.list(Path.of("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<DocSimulation> found = new ArrayList<>();
    for (Path doc : docs) {
      Matcher block = JAVA_BLOCK.matcher(Files.readString(doc));
      while (block.find()) {
        Matcher declared = SIMULATION_CLASS.matcher(block.group(1));
        if (declared.find()) {
          found.add(new DocSimulation(doc, declared.group(1), block.group(1)));
        }
      }
    }
    return found;
  }

  private static void compile(List<String> files, Path classes) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classes.toString(),
        "-cp", ChildJvm.classPath()));
    args.addAll(files);
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int code = javac.run(null, errors, errors, args.toArray(String[]::new));
    assertThat(code).as("javac of the docs' simulations:\n" + errors.toString(StandardCharsets.UTF_8)).isZero();
  }
}
