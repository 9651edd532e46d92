package dev.llmclient.benchmarks;

import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import java.io.IOException;
import java.io.Writer;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The records of the file-batch benchmarks: the requests, and the output lines answering them. */
final class BatchRecords {

  /** The answer type. */
  public record Person(String name, int age) {}

  private BatchRecords() {}

  /** {@code records} extraction requests, made one at a time as they are read. */
  static Iterator<Map.Entry<String, LlmRequest<Person>>> requests(int records) {
    return new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < records;
      }

      @Override
      public Map.Entry<String, LlmRequest<Person>> next() {
        int n = i++;
        LlmRequest<Person> r =
            LlmRequest.builder()
                .messages(
                    List.of(
                        Message.system("Extract the person."),
                        Message.user("Record " + n + ": Ada Lovelace, 36, London")))
                .responseType(Person.class)
                .maxTokens(200)
                .build();
        return new AbstractMap.SimpleImmutableEntry<>(Integer.toString(n), r);
      }
    };
  }

  /** Writes the output-file lines of records {@code from} to {@code to}, each answering age 36. */
  static void writeOutputLines(Writer w, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      w.write(
          "{\"id\":\"batch_req_"
              + i
              + "\",\"custom_id\":\""
              + i
              + "\",\"response\":{\"status_code\":200,\"request_id\":\"req-"
              + i
              + "\",\"body\":{\"id\":\"chatcmpl-"
              + i
              + "\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
              + "\"{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36}\"},\"finish_reason\":\"stop\"}],"
              + "\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,\"total_tokens\":49}}},"
              + "\"error\":null}\n");
    }
  }
}
