package io.llmgatling.support;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Exact counts of live objects, from the JVM's class histogram (the diagnostic command runs a full GC
 * first): leak tests assert on instances, not on heap sizes that move with the collector.
 */
public final class LiveObjects {
  private LiveObjects() {
  }

  /** Live instances of exactly this class (not subclasses) after a full GC. */
  public static long count(Class<?> type) {
    String histogram;
    try {
      histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
    } catch (Exception e) {
      throw new IllegalStateException("the JVM's class histogram is not available", e);
    }
    Matcher m = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(type.getName()) + "(\\s|$)",
        Pattern.MULTILINE).matcher(histogram);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
