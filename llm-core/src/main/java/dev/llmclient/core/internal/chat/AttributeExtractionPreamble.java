package dev.llmclient.core.internal.chat;

import dev.llmclient.api.Message;
import dev.llmclient.api.Role;
import java.util.List;

/**
 * Graphiti's attribute-extraction note (its {@code attribute_extraction=True}): models tend to copy
 * a schema field's description into the field when the text has no value for it. The note, marked
 * with a versioned sentinel so it is added once, tells them not to.
 */
final class AttributeExtractionPreamble {

  /** Marks a first message that already carries the note. */
  static final String SENTINEL = "<<graphiti.attr_extraction.preamble.v1>>";

  /** The note as appended to a system message: two newlines, the sentinel, the paragraph. */
  static final String NOTE =
      "\n\n"
          + SENTINEL
          + "\nATTRIBUTE EXTRACTION: the descriptions in the schema only describe what a real"
          + " value of a field looks like. They are NEVER themselves valid values: never copy a"
          + " description, or a paraphrase of it, into a field. When the text gives no value for"
          + " a field, set the field to null, and do not explain the absence inside the field.";

  private AttributeExtractionPreamble() {}

  /**
   * Adds the note to the first message of a working copy: appended to a system message, otherwise
   * put in front of the first message; nothing when it is already there.
   *
   * @param messages the client's working copy; changed in place
   */
  static void apply(List<Message> messages) {
    if (messages.isEmpty() || messages.get(0).content().contains(SENTINEL)) {
      return;
    }
    Message first = messages.get(0);
    String content =
        first.role() == Role.SYSTEM
            ? first.content() + NOTE
            : NOTE.stripLeading() + "\n\n" + first.content();
    messages.set(0, first.withContent(content));
  }
}
