package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLockTest {

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  @Test
  void theLockNamesThisProcessAndIsRemovedWhenClosed() throws Exception {
    Path out = dir.resolve("sub/out.jsonl");

    try (OutputLock lock = OutputLock.acquire(out, new PrintWriter(err, true))) {
      assertThat(lock.file()).isEqualTo(dir.toRealPath().resolve("sub/out.jsonl.lock"));
      OutputLock.Holder holder = OutputLock.Holder.parse(Files.readString(lock.file()));
      assertThat(holder).isNotNull();
      assertThat(holder.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(holder.alive()).isTrue();
      assertThatThrownBy(() -> OutputLock.acquire(out, new PrintWriter(err, true)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is being written by another llm batch");
    }
    assertThat(dir.resolve("sub/out.jsonl.lock")).doesNotExist();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void aLinkToTheOutputHasTheSameLock() throws Exception {
    Path out = Files.createFile(dir.resolve("out.jsonl"));
    Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), out);

    assertThat(OutputLock.lockFileOf(link)).isEqualTo(OutputLock.lockFileOf(out));
  }

  @Test
  void aProcessIdReusedByALaterProcessIsNotTheHolder() {
    ProcessHandle self = ProcessHandle.current();
    Instant started = self.info().startInstant().orElseThrow();

    assertThat(new OutputLock.Holder(self.pid(), started).alive()).isTrue();
    assertThat(new OutputLock.Holder(self.pid(), started.minusSeconds(3600)).alive()).isFalse();
    assertThat(new OutputLock.Holder(self.pid(), null).alive()).isTrue();
  }

  @Test
  void aLockFileThatCannotBeReadIsTreatedAsHeldAndNamed() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Files.writeString(dir.resolve("out.jsonl.lock"), "");

    assertThatThrownBy(() -> OutputLock.acquire(out, new PrintWriter(err, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lock file " + dir.toRealPath().resolve("out.jsonl.lock"))
        .hasMessageContaining("delete the lock file");
  }
}
