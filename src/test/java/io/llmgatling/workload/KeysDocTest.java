package io.llmgatling.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/workload.md's key tables are the declarations of {@link Keys}, row for row. */
class KeysDocTest {

  private static final Path DOC = Path.of("docs/workload.md");

  /** The table of one section as the declarations write it. */
  static String table(ConfigKey.Section section) {
    return "### " + section.title() + "\n| key | default | accepted |\n|---|---|---|\n"
        + Keys.ALL.stream().filter(key -> key.section() == section).map(ConfigKey::tableRow)
        .collect(Collectors.joining("\n")) + "\n";
  }

  @Test
  void should_document_every_declared_key_in_its_sections_table_as_declared() throws IOException {
    String doc = Files.readString(DOC);

    for (ConfigKey.Section section : ConfigKey.Section.values()) {
      assertThat(doc).as("the %s table of %s, as Keys declares it", section.title(), DOC).contains(table(section));
    }
  }

  @Test
  void should_document_no_key_that_is_not_declared() throws IOException {
    List<String> declared = Keys.ALL.stream().map(ConfigKey::name).toList();
    Matcher row = Pattern.compile("(?m)^\\| `(llm\\.[^`]*)` \\|").matcher(Files.readString(DOC));

    while (row.find()) {
      assertThat(declared).as("declared keys (docs/workload.md lists %s)", row.group(1)).contains(row.group(1));
    }
  }

  @Test
  void should_name_only_declared_keys_anywhere_in_the_readme_and_docs() throws IOException {
    Pattern named = Pattern.compile("(?:-D|`)(llm\\.[A-Za-z0-9_.<>-]+)");
    List<Path> pages = new java.util.ArrayList<>(List.of(Path.of("README.md")));
    try (var docs = Files.list(Path.of("docs"))) {
      docs.filter(page -> page.toString().endsWith(".md")).forEach(pages::add);
    }

    for (Path page : pages) {
      Matcher key = named.matcher(Files.readString(page));
      while (key.find()) {
        String name = key.group(1);
        assertThat(Keys.ALL).as("%s names %s", page, name).anyMatch(declared -> declared.name().equals(name)
            || declared.isFamily() && name.startsWith(declared.prefix()) && name.length() > declared.prefix().length());
      }
    }
  }

  @Test
  void should_declare_each_key_once() {
    assertThat(Keys.ALL).extracting(ConfigKey::name).doesNotHaveDuplicates();
  }

  @Test
  void should_show_each_plain_default_as_the_value_the_key_defaults_to() {
    for (ConfigKey<?> key : Keys.ALL) {
      String shown = key.defaultDoc();
      if (key.defaultValue() != null && shown.matches("`[^`]*`")) {
        assertThat(key.parse(shown.substring(1, shown.length() - 1))).as("%s's documented default", key)
            .isEqualTo(key.defaultValue());
      }
    }
  }

  @Test
  void should_read_every_single_key_with_its_declared_default() {
    WorkloadConfig config = WorkloadConfig.load(java.util.Map.of(), Path.of("no-user-files"));

    assertThat(config.seed()).isEqualTo(Keys.SEED.defaultValue());
    assertThat(config.timeouts().total()).isEqualTo(Keys.TIMEOUT_TOTAL.defaultValue());
    assertThat(config.embeddingBatchSize()).isEqualTo(Keys.EMBEDDINGS_BATCH.defaultValue());
    assertThat(config.insecureTls()).isEqualTo(Keys.INSECURE_TLS.defaultValue());
  }
}
