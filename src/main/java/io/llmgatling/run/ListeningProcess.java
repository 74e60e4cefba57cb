package io.llmgatling.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Finds the local process listening on a TCP port, the Linux way {@code ss -ltnp} does it: the listening
 * sockets of {@code /proc/net/tcp} and {@code /proc/net/tcp6} give the socket inodes bound to the port, and the
 * process whose {@code /proc/<pid>/fd} holds a link {@code socket:[inode]} owns one.
 *
 * <p>Why not OSHI: its {@code InternetProtocolStats.getConnections()} reads these same files on Linux, but brings
 * oshi-core 6.6.5 + JNA + jna-platform (4.4 MB of jars) for this one question, and was slower: measured on the
 * shared 2-core box (114 processes, load average 12), finding this JVM's listening port took 740 ms of OSHI
 * start-up then 210-235 ms per look-up, against 78-125 ms here (25-30 ms when nothing listens). It runs once per
 * run, before the load. Only the processes of this user are readable unless run as root: a server of another
 * user is "not found" (one info line, the run goes on).
 */
public final class ListeningProcess {
  /** {@code st} of a listening socket in /proc/net/tcp. */
  private static final String LISTEN = "0A";

  private ListeningProcess() {
  }

  /**
   * The pid of the process listening on {@code port}, or empty when there is none we can see (no /proc, another
   * user's process, nothing listening).
   *
   * @param port the TCP port
   * @return the pid, if found
   */
  public static OptionalLong find(int port) {
    return find(Path.of("/proc"), port);
  }

  static OptionalLong find(Path proc, int port) {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("net/tcp", "net/tcp6")) {
      inodes.addAll(listeningInodes(proc.resolve(table), port));
    }
    if (inodes.isEmpty()) {
      return OptionalLong.empty();
    }
    Set<String> wanted = new HashSet<>();
    inodes.forEach(inode -> wanted.add("socket:[" + inode + "]"));
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path pidDir : pids) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
          for (Path fd : fds) {
            try {
              if (wanted.contains(Files.readSymbolicLink(fd).toString())) {
                return OptionalLong.of(Long.parseLong(pidDir.getFileName().toString()));
              }
            } catch (IOException ignored) {
              // the descriptor closed meanwhile
            }
          }
        } catch (IOException | SecurityException ignored) {
          // another user's process, or it exited: not ours to read
        }
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /** Inodes of the sockets listening on {@code port} in one /proc/net table (lines "sl local rem st ..."). */
  static Set<String> listeningInodes(Path table, int port) {
    Set<String> inodes = new HashSet<>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    List<String> lines;
    try {
      lines = Files.readAllLines(table);
    } catch (IOException e) {
      return inodes;
    }
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 9 && f[1].endsWith(":" + hexPort) && f[3].equals(LISTEN) && !f[9].equals("0")) {
        inodes.add(f[9]);
      }
    }
    return inodes;
  }
}
