package dev.llmclient.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmRequestTest {

  record Person(String name) {}

  @Test
  void defaultsToMediumAndCopiesTheMessages() {
    List<Message> messages = new ArrayList<>(List.of(Message.user("hi")));
    LlmRequest<?> request = LlmRequest.builder().messages(messages).build();
    messages.add(Message.user("later"));

    assertThat(request.messages()).containsExactly(Message.user("hi"));
    assertThat(request.modelSize()).isEqualTo(ModelSize.MEDIUM);
    assertThat(request.toBuilder().build().messages()).isEqualTo(request.messages());
  }

  @Test
  void rejectsWhatTheServiceWouldRejectWithAMessageSayingWhatIsAllowed() {
    assertThatThrownBy(() -> LlmRequest.builder().build())
        .hasMessageContaining("at least one message");
    LlmRequest.Builder<?> one = LlmRequest.builder().addMessage(Message.user("x"));
    assertThatThrownBy(() -> one.maxTokens(0).build()).hasMessageContaining("positive");
    assertThatThrownBy(() -> one.maxTokens(null).temperature(2.5).build())
        .hasMessageContaining("between 0.0 and 2.0");
    assertThatThrownBy(
            () -> one.temperature(null).responseType(Person.class).jsonSchema("p", "{}").build())
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> one.responseType(null).jsonSchema("bad name", "{}").build())
        .hasMessageContaining("1 to 64 letters");
    assertThatThrownBy(() -> one.jsonSchema("p", "[1]").build())
        .hasMessageContaining("JSON object");
  }

  @Test
  void neverShowsMessageContentInToString() {
    LlmRequest<?> request =
        LlmRequest.builder().addMessage(Message.user("secret prompt text")).build();

    assertThat(request.toString()).doesNotContain("secret prompt");
    assertThat(Message.user("secret prompt text").toString()).doesNotContain("secret");
  }
}
