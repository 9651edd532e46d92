package dev.llmclient.it.secrets;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Logback appender that inspects every event (message, arguments, MDC, key-value pairs and the
 * whole throwable chain) for a canary secret. It keeps only the offending events, so DEBUG logging
 * under load costs no memory. Installed for the whole test JVM by {@code logback-test.xml}.
 */
public final class CanaryLogWatcher extends AppenderBase<ILoggingEvent> {

  private static final int MAX_KEPT = 50;
  private static final AtomicLong EVENTS = new AtomicLong();
  private static final AtomicLong SDK_EVENTS = new AtomicLong();
  private static final List<String> VIOLATIONS = new ArrayList<>();
  private static final AtomicLong ERRORS = new AtomicLong();
  private static final java.util.Map<String, AtomicLong> BY_LOGGER =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final List<String> LAST_ERRORS = new ArrayList<>();

  /** How many events were inspected in this JVM so far. */
  public static long events() {
    return EVENTS.get();
  }

  /** How many of them came from a {@code dev.llmclient} logger. */
  public static long sdkEvents() {
    return SDK_EVENTS.get();
  }

  /**
   * How many events a logger, or the loggers under a name (e.g. {@code org.apache.hc}), emitted.
   */
  public static long events(String loggerOrPrefix) {
    long sum = 0;
    for (java.util.Map.Entry<String, AtomicLong> e : BY_LOGGER.entrySet()) {
      if (e.getKey().equals(loggerOrPrefix) || e.getKey().startsWith(loggerOrPrefix + ".")) {
        sum += e.getValue().get();
      }
    }
    return sum;
  }

  /** How many ERROR events any logger emitted in this JVM so far. */
  public static long errors() {
    return ERRORS.get();
  }

  /** The last ERROR events (at most 10), rendered: logger, thread, message and exception. */
  public static List<String> lastErrors() {
    synchronized (LAST_ERRORS) {
      return List.copyOf(LAST_ERRORS);
    }
  }

  /** The events that contained a secret, rendered, at most 50. */
  public static List<String> violations() {
    synchronized (VIOLATIONS) {
      return List.copyOf(VIOLATIONS);
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    EVENTS.incrementAndGet();
    if (event.getLoggerName().startsWith("dev.llmclient")) {
      SDK_EVENTS.incrementAndGet();
    }
    BY_LOGGER.computeIfAbsent(event.getLoggerName(), name -> new AtomicLong()).incrementAndGet();
    String text = render(event);
    if (event.getLevel() == ch.qos.logback.classic.Level.ERROR) {
      ERRORS.incrementAndGet();
      synchronized (LAST_ERRORS) {
        if (LAST_ERRORS.size() == 10) {
          LAST_ERRORS.remove(0);
        }
        LAST_ERRORS.add(text);
      }
    }
    if (Canary.findIn(text) != null) {
      synchronized (VIOLATIONS) {
        if (VIOLATIONS.size() < MAX_KEPT) {
          VIOLATIONS.add(text);
        }
      }
    }
  }

  /** Everything an event carries, as text: what a log backend could print. */
  static String render(ILoggingEvent event) {
    StringBuilder text = new StringBuilder();
    text.append(event.getLevel())
        .append(' ')
        .append(event.getLoggerName())
        .append(" [")
        .append(event.getThreadName())
        .append("] ")
        .append(event.getFormattedMessage());
    Object[] args = event.getArgumentArray();
    if (args != null) {
      for (Object arg : args) {
        text.append(" | arg=").append(arg);
      }
    }
    if (event.getKeyValuePairs() != null) {
      event.getKeyValuePairs().forEach(kv -> text.append(" | ").append(kv));
    }
    event
        .getMDCPropertyMap()
        .forEach((k, v) -> text.append(" | mdc ").append(k).append('=').append(v));
    appendThrowable(text, event.getThrowableProxy(), 0);
    return text.toString();
  }

  private static void appendThrowable(StringBuilder text, IThrowableProxy proxy, int depth) {
    if (proxy == null || depth > 10) {
      return;
    }
    text.append("\n").append(proxy.getClassName()).append(": ").append(proxy.getMessage());
    StackTraceElementProxy[] frames = proxy.getStackTraceElementProxyArray();
    if (frames != null && frames.length > 0) {
      text.append("\n\tat ").append(frames[0].getSTEAsString());
    }
    appendThrowable(text, proxy.getCause(), depth + 1);
    IThrowableProxy[] suppressed = proxy.getSuppressed();
    if (suppressed != null) {
      for (IThrowableProxy s : suppressed) {
        appendThrowable(text, s, depth + 1);
      }
    }
  }
}
