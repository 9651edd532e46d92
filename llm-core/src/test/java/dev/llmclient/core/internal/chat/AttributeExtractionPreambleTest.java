package dev.llmclient.core.internal.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Graphiti's tests/llm_client/test_client.py attribute-extraction cases. */
class AttributeExtractionPreambleTest {

  @Test
  void appendsToTheSystemMessageAndLeavesTheUserMessageAlone() {
    List<Message> messages =
        new ArrayList<>(List.of(Message.system("You extract."), Message.user("Ada, 1815")));

    AttributeExtractionPreamble.apply(messages);

    assertThat(messages.get(0).content())
        .startsWith("You extract.")
        .contains("ATTRIBUTE EXTRACTION:")
        .contains("NEVER themselves valid values");
    assertThat(messages.get(1)).isEqualTo(Message.user("Ada, 1815"));
  }

  @Test
  void isIdempotent() {
    List<Message> messages = new ArrayList<>(List.of(Message.system("You extract.")));
    AttributeExtractionPreamble.apply(messages);
    String once = messages.get(0).content();

    AttributeExtractionPreamble.apply(messages);

    assertThat(messages.get(0).content()).isEqualTo(once);
  }

  @Test
  void withoutASystemMessageTheNoteGoesInFrontOfTheFirstMessage() {
    List<Message> messages = new ArrayList<>(List.of(Message.user("Ada, 1815")));

    AttributeExtractionPreamble.apply(messages);

    assertThat(messages.get(0).content())
        .startsWith(AttributeExtractionPreamble.SENTINEL)
        .endsWith("Ada, 1815");
  }

  @Test
  void anEmptyListStaysEmpty() {
    List<Message> messages = new ArrayList<>();

    AttributeExtractionPreamble.apply(messages);

    assertThat(messages).isEmpty();
  }

  @Test
  void theClientSendsTheNoteOnlyWhenAskedAndNeverChangesTheCallersList() {
    ScriptedChatBackend backend =
        new ScriptedChatBackend().enqueueContent("{}").enqueueContent("{}");
    List<Message> callers = List.of(Message.system("Extract as json."), Message.user("Ada"));
    try (LlmClient client = LlmClients.builder().backend(backend).build()) {
      client.generate(LlmRequest.builder().messages(callers).build());
      client.generate(LlmRequest.builder().messages(callers).attributeExtraction(true).build());
    }

    assertThat(backend.requests().get(0).messages().get(0).content()).isEqualTo("Extract as json.");
    assertThat(backend.requests().get(1).messages().get(0).content())
        .contains(AttributeExtractionPreamble.SENTINEL);
    assertThat(callers.get(0).content()).isEqualTo("Extract as json.");
  }
}
