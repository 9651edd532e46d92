package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatBodyReaderTest {

  private static Json.ChatBody read(String json) throws IOException {
    return Json.readChat(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsEveryFieldTheBackendUsesAndSkipsTheRest() throws IOException {
    Json.ChatBody body =
        read(
            "{'id':'c1','object':'chat.completion','created':1,'model':'gpt-4o',"
                + "'system_fingerprint':null,'prompt_filter_results':[{'a':[1,{'b':2}]}],"
                + "'choices':[{'index':0,'logprobs':null,'message':{'role':'assistant',"
                + "'content':'{\\'x\\':1}','refusal':null,'annotations':[]},"
                + "'finish_reason':'stop','content_filter_results':{'hate':{'filtered':false}}}],"
                + "'usage':{'prompt_tokens':12,'completion_tokens':3,'total_tokens':15,"
                + "'prompt_tokens_details':{'audio_tokens':0,'cached_tokens':8},"
                + "'completion_tokens_details':{'reasoning_tokens':2,'audio_tokens':0}}}");

    assertThat(body.id()).isEqualTo("c1");
    assertThat(body.model()).isEqualTo("gpt-4o");
    assertThat(body.choices()).hasSize(1);
    Json.ChoiceBody choice = body.choices().get(0);
    assertThat(choice.message().content()).isEqualTo("{\"x\":1}");
    assertThat(choice.message().refusal()).isNull();
    assertThat(choice.finishReason()).isEqualTo("stop");
    assertThat(choice.contentFilterResults().toString())
        .isEqualTo("{\"hate\":{\"filtered\":false}}");
    assertThat(body.usage())
        .isEqualTo(
            new Json.UsageBody(12, 3, new Json.PromptDetails(8), new Json.CompletionDetails(2)));
  }

  @Test
  void nullsAndAbsentFieldsReadAsAbsentAndNumbersMayBeWrittenAsText() throws IOException {
    Json.ChatBody body =
        read(
            "{'choices':[null,{'index':'1','message':null,'finish_reason':'content_filter'}],"
                + "'usage':{'prompt_tokens':null,'completion_tokens':'4',"
                + "'prompt_tokens_details':null}}");

    assertThat(body.id()).isNull();
    assertThat(body.choices()).singleElement().satisfies(c -> assertThat(c.index()).isEqualTo(1));
    assertThat(body.choices().get(0).message()).isNull();
    assertThat(body.usage()).isEqualTo(new Json.UsageBody(0, 4, null, null));
    assertThat(read("{'choices':null}").choices()).isNull();
  }

  @Test
  void wrongShapesAreParseErrorsNamingWhatWasExpected() {
    assertThatThrownBy(() -> read("[]")).hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> read("{'choices':{}}"))
        .hasMessageContaining("expected an array of choices");
    assertThatThrownBy(() -> read("{'choices':[{'message':'hi'}]}"))
        .hasMessageContaining("expected a message object");
    assertThatThrownBy(() -> read("{'choices':[{'message':{'content':{'a':1}}}]}"))
        .hasMessageContaining("expected a string");
    assertThatThrownBy(() -> read("{'usage':{'prompt_tokens':'many'}}"))
        .hasMessageContaining("expected a number, got \"many\"");
    assertThatThrownBy(() -> read("{'usage':{'prompt_tokens':1e400}}"))
        .hasMessageContaining("out of range of a count");
    assertThatThrownBy(() -> read("{'usage':{'prompt_tokens':" + "9".repeat(30) + "}}"))
        .hasMessageContaining("out of range of long");
    assertThatThrownBy(() -> read("{'choices':[{'index':0")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read("")).isInstanceOf(IOException.class);
  }
}
