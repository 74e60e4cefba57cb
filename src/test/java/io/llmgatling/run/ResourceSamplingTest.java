package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmgatling.engine.BaseUrl;
import io.llmgatling.workload.ConfigException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ResourceSamplingTest {

  @Test
  @EnabledOnOs(OS.LINUX)
  void should_sample_the_process_listening_on_a_local_targets_port() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ResourceSampling.Plan plan = ResourceSampling.plan(true, null,
          BaseUrl.parse("http://localhost:" + server.getLocalPort()), null, false, "/nonexistent");
      assertThat(plan.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(plan.nvidiaSmi()).isNull();
      assertThat(plan.notes()).isEmpty();
      assertThat(plan.describe()).contains("process " + ProcessHandle.current().pid(), "server gauges");
    }
  }

  @Test
  void should_take_loopback_and_this_machines_own_addresses_as_local() throws Exception {
    assertThat(ResourceSampling.isLocal("localhost")).isTrue();
    assertThat(ResourceSampling.isLocal("[::1]")).isTrue();
    assertThat(ResourceSampling.isLocal("127.0.0.2")).isTrue();
    java.util.Optional<java.net.InetAddress> own = java.net.NetworkInterface.networkInterfaces()
        .flatMap(java.net.NetworkInterface::inetAddresses).filter(a -> !a.isLoopbackAddress()).findFirst();
    own.ifPresent(a -> assertThat(ResourceSampling.isLocal(a.getHostAddress().replaceAll("%.*", ""))).isTrue());
    assertThat(ResourceSampling.isLocal("192.0.2.1")).isFalse(); // TEST-NET-1: never an interface's address
  }

  @Test
  void should_sample_nothing_when_off() {
    assertThat(ResourceSampling.plan(false, null, BaseUrl.parse("http://127.0.0.1:1"), null, false, null))
        .isEqualTo(ResourceSampling.Plan.OFF);
    assertThat(ResourceSampling.Plan.OFF.describe()).isNull();
  }

  @Test
  void should_only_poll_the_gauges_of_a_remote_target() {
    ResourceSampling.Plan plan = ResourceSampling.plan(true, null, BaseUrl.parse("http://gpu-box.lan:11434"), null,
        false, null);
    assertThat(plan.pid()).isNull();
    assertThat(plan.gauges()).isNotNull();
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void should_say_in_one_line_when_no_process_listens_on_a_local_port() throws Exception {
    int port;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
    }
    ResourceSampling.Plan plan = ResourceSampling.plan(true, null, BaseUrl.parse("http://127.0.0.1:" + port), null,
        false, null);
    assertThat(plan.pid()).isNull();
    assertThat(plan.notes()).singleElement().asString().contains("port " + port, "llm.monitor.pid")
        .doesNotContain("\n");
  }

  @Test
  void should_refuse_a_named_pid_that_does_not_exist() {
    assertThatThrownBy(() -> ResourceSampling.plan(true, 999_999_999L, BaseUrl.parse("http://127.0.0.1:1"), null,
        false, null)).isInstanceOf(ConfigException.class).hasMessageStartingWith("llm.monitor.pid");
  }
}
