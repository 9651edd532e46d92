package dev.llmclient.core.internal.select;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.testkit.FakeLlmProvider;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderIdsTest {

  enum Mode {
    ON
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface Other {
    String value();

    int[] numbers() default {};

    Mode mode() default Mode.ON;

    Class<?> type() default Object.class;

    Deprecated nested() default @Deprecated;
  }

  @ProviderId("plain")
  static final class Plain {}

  @Other(
      value = "not the id",
      numbers = {1, 2, 3},
      mode = Mode.ON,
      type = String.class)
  @Deprecated(since = "1", forRemoval = false)
  @ProviderId("among-others")
  static final class AmongOthers {
    static final long BIG = 1L << 40; // an eight-byte constant in the pool
    static final double RATIO = 0.5;
    final List<String> names = List.of("x");

    String name() {
      return names.get(0) + BIG + RATIO;
    }
  }

  static final class Without {}

  @Test
  void theIdIsReadFromTheClassFileAsReflectionWouldReadIt() throws Exception {
    for (Class<?> type :
        List.of(Plain.class, AmongOthers.class, Without.class, FakeLlmProvider.class)) {
      ProviderId reflected = type.getAnnotation(ProviderId.class);
      String expected = reflected == null ? null : reflected.value();

      assertThat(ProviderIds.of(type)).as(type.getName()).isEqualTo(expected);
      assertThat(ProviderIds.fromClassFile(type)).as(type.getName()).isEqualTo(expected);
    }
    assertThat(ProviderIds.of(AmongOthers.class)).isEqualTo("among-others");
    assertThat(ProviderIds.of(FakeLlmProvider.class)).isEqualTo("fake");
  }

  @Test
  void classesWithoutAReadableClassFileFallBackToReflection() throws Exception {
    assertThat(ProviderIds.fromClassFile(String.class)).isNull(); // bootstrap loader
    assertThat(ProviderIds.of(String.class)).isNull();
    Object lambda = (Runnable) () -> {};
    assertThat(ProviderIds.of(lambda.getClass())).isNull(); // hidden class: no resource
  }
}
