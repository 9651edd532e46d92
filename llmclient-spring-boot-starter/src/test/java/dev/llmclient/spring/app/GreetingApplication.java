package dev.llmclient.spring.app;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/** A small Boot application that uses llmclient the way an application would: by injection. */
@SpringBootApplication
public class GreetingApplication {

  /** What the model is asked for. */
  public record Greeting(String text) {}

  /** The application's own service, with the client injected. */
  @Service
  public static class GreetingService {
    private final LlmClient llm;

    GreetingService(LlmClient llm) {
      this.llm = llm;
    }

    Greeting greet(String name) {
      return llm.generate(List.of(Message.user("Greet " + name)), Greeting.class);
    }
  }
}
