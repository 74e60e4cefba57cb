package io.llmgatling.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * An https front for a plain http server (the simulator), with a self-signed certificate made by the JDK's
 * {@code keytool}: the "local server with a self-signed certificate" a user meets with a dev TLS setup. One
 * thread pair per connection pumps bytes both ways; enough for tests.
 */
public final class TlsProxy implements AutoCloseable {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private final SSLServerSocket server;
  private final Thread acceptor;

  private TlsProxy(SSLServerSocket server, URI backend) {
    this.server = server;
    this.acceptor = new Thread(() -> acceptLoop(backend), "tls-proxy");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /**
   * Starts a proxy on a free port of 127.0.0.1 in front of {@code backend}, with a fresh self-signed
   * certificate for localhost and 127.0.0.1 kept in {@code workDir}.
   */
  public static TlsProxy start(URI backend, Path workDir) {
    return start(backend, workDir, "localhost", "SAN=ip:127.0.0.1,dns:localhost");
  }

  /**
   * Starts a proxy whose self-signed certificate names only {@code host} (e.g. {@code other.example}): reached
   * at 127.0.0.1, its name does not match, as with a dev certificate made for another machine's name.
   */
  public static TlsProxy startForOtherName(URI backend, Path workDir, String host) {
    return start(backend, workDir, host, "SAN=dns:" + host);
  }

  private static TlsProxy start(URI backend, Path workDir, String commonName, String subjectAltNames) {
    try {
      Path keystore = workDir.resolve("self-signed-" + commonName + ".p12");
      Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "sim", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
          "-dname", "CN=" + commonName, "-ext", subjectAltNames, "-storetype", "PKCS12",
          "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
          .redirectErrorStream(true).start();
      String out = new String(keytool.getInputStream().readAllBytes());
      if (keytool.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + out);
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
        ks.load(in, PASSWORD);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      return new TlsProxy(server, backend);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code https://127.0.0.1:PORT}. */
  public URI baseUrl() {
    return URI.create("https://127.0.0.1:" + server.getLocalPort());
  }

  private void acceptLoop(URI backend) {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(backend.getHost(), backend.getPort());
        for (Socket[] pair : List.of(new Socket[] {client, upstream}, new Socket[] {upstream, client})) {
          Thread pump = new Thread(() -> pump(pair[0], pair[1]), "tls-proxy-pump");
          pump.setDaemon(true);
          pump.start();
        }
      } catch (IOException e) {
        // closed, or a client that gave up on the handshake: keep serving the others
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side went away (a refused certificate ends the handshake here)
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
