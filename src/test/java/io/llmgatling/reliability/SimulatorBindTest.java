package io.llmgatling.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmgatling.simulator.LlmSimulator;
import io.llmgatling.simulator.SimulatorConfig;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator listens on 127.0.0.1 only unless told otherwise: nothing on the network can reach it. */
class SimulatorBindTest {

  @ParameterizedTest
  @ValueSource(strings = {"ollama", "lmstudio", "llamacpp"})
  void should_bind_the_loopback_address_by_default(String profile) throws Exception {
    assertThat(SimulatorConfig.forProfile(profile).host()).isEqualTo("127.0.0.1");
    try (LlmSimulator sim = LlmSimulator.start(SimulatorConfig.forProfile(profile).toBuilder().port(0).build())) {
      try (Socket local = new Socket()) {
        local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sim.port()), 2000);
      }
      Optional<InetAddress> external = externalAddress();
      assumeTrue(external.isPresent(), "this host has no non-loopback IPv4 address");
      assertThatThrownBy(() -> {
        try (Socket fromNetwork = new Socket()) {
          fromNetwork.connect(new InetSocketAddress(external.get(), sim.port()), 2000);
        }
      }).isInstanceOf(ConnectException.class);
    }
  }

  private static Optional<InetAddress> externalAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
