package io.llmgatling.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ListeningProcessTest {

  @Test
  @EnabledOnOs(OS.LINUX)
  void should_find_this_jvm_listening_on_a_port() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertThat(ListeningProcess.find(server.getLocalPort())).hasValue(ProcessHandle.current().pid());
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void should_find_nothing_on_a_port_nobody_listens_on() throws Exception {
    int port;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
    }
    assertThat(ListeningProcess.find(port)).isEmpty();
  }

  @Test
  void should_read_only_listening_sockets_of_the_port_from_a_proc_net_table(@TempDir Path dir) throws Exception {
    // recorded /proc/net/tcp6 lines: a listener on 8080 (0x1F90), a client connection from 8080, a listener on 11434
    Path table = dir.resolve("tcp6");
    Files.writeString(table, String.join("\n",
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0",
        "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D2A4 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 20 4 30 10 -1",
        "   2: 00000000000000000000000000000000:2CAA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0000000000000000 100 0 0 10 0",
        ""));
    assertThat(ListeningProcess.listeningInodes(table, 8080)).containsExactly("4242");
    assertThat(ListeningProcess.listeningInodes(table, 11434)).containsExactly("4444");
    assertThat(ListeningProcess.listeningInodes(dir.resolve("missing"), 8080)).isEmpty();
  }
}
