package dev.llmclient.api;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One part of a user message: text, or an image by URL or from bytes. Use it for vision calls.
 *
 * <pre>{@code
 * Message question = Message.user(
 *     ContentPart.text("What is on this receipt?"),
 *     ContentPart.image(Files.readAllBytes(path), "image/png"));
 * }</pre>
 *
 * <p>Images are checked when the part is made: bytes must be one of the media types the services
 * accept ({@value #MAX_IMAGE_BYTES_TEXT} at most), URLs must be {@code https}, {@code http} or a
 * {@code data:} URL.
 */
public sealed interface ContentPart
    permits ContentPart.Text, ContentPart.ImageUrl, ContentPart.ImageData {

  /** The largest image the services take in one part: 20 MiB. */
  int MAX_IMAGE_BYTES = 20 * 1024 * 1024;

  /** {@link #MAX_IMAGE_BYTES} as text, for messages. */
  String MAX_IMAGE_BYTES_TEXT = "20 MiB";

  /** The media types OpenAI and Azure OpenAI accept for images. */
  Set<String> IMAGE_MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/webp", "image/gif");

  /**
   * A text part.
   *
   * @param text the text; may be empty
   * @return the part
   */
  static ContentPart text(String text) {
    return new Text(text);
  }

  /**
   * An image the service fetches from a URL, at the service's default detail.
   *
   * @param url an {@code https}, {@code http} or {@code data:} URL
   * @return the part
   * @throws IllegalArgumentException for another scheme
   */
  static ContentPart imageUrl(URI url) {
    return new ImageUrl(url, ImageDetail.AUTO);
  }

  /**
   * An image the service fetches from a URL.
   *
   * @param url an {@code https}, {@code http} or {@code data:} URL
   * @param detail how closely the model looks at it
   * @return the part
   * @throws IllegalArgumentException for another scheme
   */
  static ContentPart imageUrl(URI url, ImageDetail detail) {
    return new ImageUrl(url, detail);
  }

  /**
   * An image sent inline (as a {@code data:} URL), at the service's default detail.
   *
   * @param data the encoded image (PNG, JPEG, WEBP or GIF bytes), at most 20 MiB
   * @param mediaType {@code image/png}, {@code image/jpeg}, {@code image/webp} or {@code image/gif}
   * @return the part
   * @throws IllegalArgumentException when the image is empty, too large or of another type
   */
  static ContentPart image(byte[] data, String mediaType) {
    return new ImageData(data, mediaType, ImageDetail.AUTO);
  }

  /**
   * An image sent inline (as a {@code data:} URL).
   *
   * @param data the encoded image (PNG, JPEG, WEBP or GIF bytes), at most 20 MiB
   * @param mediaType {@code image/png}, {@code image/jpeg}, {@code image/webp} or {@code image/gif}
   * @param detail how closely the model looks at it
   * @return the part
   * @throws IllegalArgumentException when the image is empty, too large or of another type
   */
  static ContentPart image(byte[] data, String mediaType, ImageDetail detail) {
    return new ImageData(data, mediaType, detail);
  }

  /** How closely the model looks at an image: OpenAI's and Azure's {@code detail} setting. */
  enum ImageDetail {
    /** The service decides (the default; {@code detail} is not sent). */
    AUTO("auto"),
    /** A 512 px view for a fixed, small token cost. */
    LOW("low"),
    /** The full image in tiles; more tokens. */
    HIGH("high");

    private final String wireName;

    ImageDetail(String wireName) {
      this.wireName = wireName;
    }

    /**
     * The value as the APIs spell it.
     *
     * @return {@code "auto"}, {@code "low"} or {@code "high"}
     */
    public String wireName() {
      return wireName;
    }
  }

  /**
   * A text part.
   *
   * @param text the text; may be empty
   */
  record Text(String text) implements ContentPart {

    /**
     * Rejects null.
     *
     * @param text the text; may be empty
     */
    public Text {
      Objects.requireNonNull(text, "text");
    }

    /** Shows the length only: the text may be personal data. */
    @Override
    public String toString() {
      return "Text[<" + text.length() + " chars>]";
    }
  }

  /**
   * An image by URL.
   *
   * @param url an {@code https}, {@code http} or {@code data:} URL
   * @param detail how closely the model looks at it
   */
  record ImageUrl(URI url, ImageDetail detail) implements ContentPart {

    /**
     * Checks the scheme.
     *
     * @param url an {@code https}, {@code http} or {@code data:} URL
     * @param detail how closely the model looks at it
     * @throws IllegalArgumentException for another scheme
     */
    public ImageUrl {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(detail, "detail");
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("data")) {
        throw new IllegalArgumentException(
            "an image URL must be https, http or a data: URL, got scheme '"
                + scheme
                + "'; for a local file use ContentPart.image(bytes, mediaType)");
      }
    }

    /** Shows the scheme and host only: a URL may carry a signature or personal data. */
    @Override
    public String toString() {
      return "ImageUrl[" + url.getScheme() + "://" + url.getHost() + "/..., detail=" + detail + "]";
    }
  }

  /**
   * An image from bytes, sent as a {@code data:} URL.
   *
   * @param data the encoded image; the record keeps its own copy
   * @param mediaType {@code image/png}, {@code image/jpeg}, {@code image/webp} or {@code image/gif}
   * @param detail how closely the model looks at it
   */
  record ImageData(byte[] data, String mediaType, ImageDetail detail) implements ContentPart {

    /**
     * Checks the size and the media type, and copies the bytes.
     *
     * @param data the encoded image
     * @param mediaType the media type
     * @param detail how closely the model looks at it
     * @throws IllegalArgumentException when the image is empty, too large or of another type
     */
    public ImageData {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(mediaType, "mediaType");
      Objects.requireNonNull(detail, "detail");
      mediaType = mediaType.strip().toLowerCase(Locale.ROOT);
      if (mediaType.equals("image/jpg")) {
        mediaType = "image/jpeg";
      }
      if (!IMAGE_MEDIA_TYPES.contains(mediaType)) {
        throw new IllegalArgumentException(
            "image media type must be one of image/png, image/jpeg, image/webp or image/gif, got '"
                + mediaType
                + "'; convert the image first");
      }
      if (data.length == 0) {
        throw new IllegalArgumentException(
            "the image is empty (0 bytes); pass the bytes of an encoded image file");
      }
      if (data.length > MAX_IMAGE_BYTES) {
        throw new IllegalArgumentException(
            "the image is "
                + data.length
                + " bytes; the services take at most "
                + MAX_IMAGE_BYTES_TEXT
                + " per image: scale it down or send it by URL");
      }
      data = data.clone();
    }

    /**
     * The image bytes.
     *
     * @return a copy of the bytes
     */
    @Override
    public byte[] data() {
      return data.clone();
    }

    /**
     * The image bytes without a copy, for writing them to the wire.
     *
     * @return a read-only view of the bytes
     */
    public java.nio.ByteBuffer buffer() {
      return java.nio.ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /**
     * The size of the image without copying it.
     *
     * @return the number of bytes
     */
    public int size() {
      return data.length;
    }

    /** Compares the bytes, not the array identity. */
    @Override
    public boolean equals(Object o) {
      return o instanceof ImageData other
          && mediaType.equals(other.mediaType)
          && detail == other.detail
          && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(mediaType, detail, Arrays.hashCode(data));
    }

    /** Shows the type and size, never the bytes. */
    @Override
    public String toString() {
      return "ImageData[" + mediaType + ", " + data.length + " bytes, detail=" + detail + "]";
    }
  }
}
