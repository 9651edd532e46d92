package dev.llmclient.cli;

import dev.llmclient.api.ContentPart;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.Message;
import dev.llmclient.api.StreamEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code llm chat "prompt"}: one call. By default a text answer, printed as it streams; with {@code
 * --json} or {@code --schema} a JSON answer, printed once it is checked.
 */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description = {
      "Sends one prompt and prints the model's answer as it streams.",
      "With --json or --schema the answer is one JSON object, printed when complete."
    })
final class ChatCommand implements Callable<Integer> {

  static final String JSON_INSTRUCTION = "Answer with one JSON object.";

  @ParentCommand private @Nullable LlmCommand root;

  @Spec private @Nullable CommandSpec spec;

  @Mixin private ClientOptions client = new ClientOptions();

  @Parameters(index = "0", paramLabel = "PROMPT", description = "The prompt.")
  private String prompt = "";

  @Option(names = "--system", paramLabel = "TEXT", description = "A system message.")
  private @Nullable String system;

  @Option(
      names = "--json",
      description = "Ask for one JSON object (JSON mode) and print it, instead of streamed text.")
  private boolean json;

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description = "Ask for a JSON answer valid against this schema (strict structured output).")
  private @Nullable Path schema;

  @Option(
      names = "--image",
      paramLabel = "FILE",
      description = "An image (PNG, JPEG, GIF or WebP) sent with the prompt; may be repeated.")
  private List<Path> images = new ArrayList<>();

  @Override
  public Integer call() {
    CommandSpec s = Cli.spec(spec);
    PrintWriter out = s.commandLine().getOut();
    PrintWriter err = s.commandLine().getErr();
    Message user = userMessage();
    if (json || schema != null) {
      LlmRequest.Builder<?> b = LlmRequest.builder();
      if (schema != null) {
        b.addMessage(Message.system(system == null ? JSON_INSTRUCTION : system));
        b.addMessage(user);
        b = Extraction.of(schema, null).apply(b);
      } else {
        b.addMessage(
            Message.system(system == null ? JSON_INSTRUCTION : system + "\n" + JSON_INSTRUCTION));
        b.addMessage(user);
        b = b.<Object>responseType(null); // JSON-object mode; the CLI prints json()
      }
      @SuppressWarnings("unchecked")
      LlmRequest<Object> request =
          client.apply((LlmRequest.Builder<Object>) b.promptName("llm.chat")).build();
      return SingleCall.run(client, Cli.root(root), request, out, err);
    }
    LlmRequest.Builder<String> b = LlmRequest.builder().responseType(String.class);
    if (system != null) {
      b.addMessage(Message.system(system));
    }
    LlmRequest<String> request = client.apply(b.addMessage(user).promptName("llm.chat")).build();
    return streamText(request, out, err);
  }

  private Message userMessage() {
    if (images.isEmpty()) {
      return Message.user(prompt);
    }
    List<ContentPart> parts = new ArrayList<>(images.size() + 1);
    parts.add(ContentPart.text(prompt));
    for (Path image : images) {
      parts.add(ContentPart.image(read(image), mediaType(image)));
    }
    return Message.user(parts);
  }

  /** Streams the text answer to {@code out}, each piece made terminal-safe as it arrives. */
  private int streamText(LlmRequest<String> request, PrintWriter out, PrintWriter err) {
    LlmCommand cmd = Cli.root(root);
    try (Connection connection =
        Connection.open(client, cmd.settings(), cmd.providerSettingsSet(), err, null, null)) {
      boolean printed = false;
      try (LlmStream<String> stream = connection.client().stream(request)) {
        for (var it = stream.iterator(); it.hasNext(); ) {
          StreamEvent event = it.next();
          if (event instanceof StreamEvent.TextDelta t) {
            out.print(TerminalText.safe(t.text()));
            out.flush();
            printed = true;
          } else if (event instanceof StreamEvent.Restart r) {
            if (printed) {
              out.println();
            }
            err.println("llm: the answer is asked again: " + TerminalText.safe(r.reason()));
            err.flush();
            printed = false;
          }
        }
        if (printed) {
          out.println();
          out.flush();
        }
        LlmResponse<String> response = stream.response().join();
        SingleCall.summary(response, err);
        return LlmCommand.OK;
      } catch (LlmException e) {
        if (printed) {
          out.println();
          out.flush();
        }
        return SingleCall.failed(e, err);
      }
    }
  }

  private static byte[] read(Path image) {
    try {
      return Files.readAllBytes(image);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(
          new IOException("image file " + image + " does not exist; check the --image path", e));
    } catch (IOException e) {
      throw new UncheckedIOException(
          new IOException("cannot read image file " + image + ": " + e.getMessage(), e));
    }
  }

  /** The media type from the file name; the services accept these four. */
  static String mediaType(Path image) {
    Path fileName = image.getFileName();
    String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".png")) {
      return "image/png";
    }
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    if (name.endsWith(".gif")) {
      return "image/gif";
    }
    if (name.endsWith(".webp")) {
      return "image/webp";
    }
    throw new IllegalArgumentException(
        "--image "
            + image
            + ": the services take PNG, JPEG, GIF or WebP images; name the file .png, .jpg,"
            + " .jpeg, .gif or .webp");
  }
}
