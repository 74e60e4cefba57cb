package io.llmgatling.engine.client;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * Tells a refused server certificate (self-signed, unknown issuer, wrong host name) from other TLS failures, so
 * that the message can say what the user can do about it: nothing is trusted silently, the opt-in is named.
 */
public final class TlsTrust {
  /** What the user can do, appended to every "certificate not trusted" message. */
  public static final String OPT_IN_HINT =
      "for a self-signed certificate, opt in with -Dllm.insecureTls=true (protocol .insecureTls())";

  private TlsTrust() {
  }

  /** Whether {@code failure} (or one of its causes) is the server's certificate being refused. */
  public static boolean isUntrustedCertificate(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException) {
        return true;
      }
    }
    return false;
  }
}
