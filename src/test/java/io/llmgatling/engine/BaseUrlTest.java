package io.llmgatling.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BaseUrlTest {

  @Test
  void should_normalise_the_root_once_without_trailing_slashes_or_v1() {
    assertThat(BaseUrl.parse(" http://localhost:1234/v1/ ").uri()).isEqualTo(URI.create("http://localhost:1234"));
    assertThat(BaseUrl.parse("https://gpu-box:9000/proxy//").uri()).isEqualTo(URI.create("https://gpu-box:9000/proxy"));
    assertThat(BaseUrl.parse("http://127.0.0.1:11434")).isEqualTo(BaseUrl.of(URI.create("http://127.0.0.1:11434/")));
  }

  @Test
  void should_print_credentials_masked_and_give_them_only_through_the_uri() {
    BaseUrl url = BaseUrl.parse("http://admin:hunter2@127.0.0.1:8080/v1");

    assertThat(url).hasToString("http://***@127.0.0.1:8080");
    assertThat(url.hasCredentials()).isTrue();
    assertThat(url.uri().getUserInfo()).isEqualTo("admin:hunter2");
    assertThat(BaseUrl.mask(URI.create("https://u:p%40ss@host/api/tags"))).isEqualTo("https://***@host/api/tags");
  }

  @Test
  void should_refuse_what_is_not_an_http_root_in_one_line_that_masks_credentials() {
    assertThatThrownBy(() -> BaseUrl.parse("localhost:11434"))
        .hasMessage("'localhost:11434' is not an http(s) URL with a host, e.g. http://localhost:11434");
    assertThatThrownBy(() -> BaseUrl.parse("ftp://user:hunter2@host"))
        .hasMessage("'ftp://***@host' is not an http(s) URL with a host, e.g. http://localhost:11434");
    assertThatThrownBy(() -> BaseUrl.parse("http://user:hunter2@host:11434/ bad"))
        .hasMessageNotContaining("hunter2").hasMessageContaining("http://***@host");
    assertThatThrownBy(() -> BaseUrl.parse("http://host:11434/?q=1")).hasMessageContaining("not an http(s) URL");
  }
}
