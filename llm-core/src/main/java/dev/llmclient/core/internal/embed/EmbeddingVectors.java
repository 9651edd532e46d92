package dev.llmclient.core.internal.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Vector arithmetic and the cache encoding of embeddings: truncation with L2 renormalisation, and
 * vectors as base64 little-endian float32 inside a small JSON object.
 */
public final class EmbeddingVectors {

  private static final String PREFIX = "{\"embedding\":\"";
  private static final String SUFFIX = "\"}";

  private EmbeddingVectors() {}

  /**
   * The first {@code dimensions} values of a vector, scaled to unit length: truncating alone
   * changes the norm, so cosine similarity computed as a dot product would be wrong. A zero prefix
   * stays zero.
   */
  static float[] truncateAndNormalise(float[] vector, int dimensions) {
    float[] out = new float[dimensions];
    double sum = 0;
    for (int i = 0; i < dimensions; i++) {
      sum += (double) vector[i] * vector[i];
    }
    double norm = Math.sqrt(sum);
    if (norm == 0 || Double.isNaN(norm)) {
      System.arraycopy(vector, 0, out, 0, dimensions);
      return out;
    }
    for (int i = 0; i < dimensions; i++) {
      out[i] = (float) (vector[i] / norm);
    }
    return out;
  }

  /** The Euclidean length of a vector. */
  public static double norm(float[] vector) {
    double sum = 0;
    for (float f : vector) {
      sum += (double) f * f;
    }
    return Math.sqrt(sum);
  }

  /** The index of the first NaN or infinite value, or -1 when every value is finite. */
  static int firstNonFinite(float[] vector) {
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        return i;
      }
    }
    return -1;
  }

  /** The cache value of a vector: {@code {"embedding":"<base64 float32 LE>"}}. */
  public static String encode(float[] vector) {
    ByteBuffer buf = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(vector);
    return PREFIX + Base64.getEncoder().encodeToString(buf.array()) + SUFFIX;
  }

  /**
   * A vector from its cache value, or null when the value is not one {@link #encode} wrote, its
   * length differs from the expected one, or it holds a NaN or infinite value.
   */
  public static float @Nullable [] decode(String value, @Nullable Integer expectedLength) {
    if (!value.startsWith(PREFIX) || !value.endsWith(SUFFIX)) {
      return null;
    }
    byte[] bytes;
    try {
      bytes =
          Base64.getDecoder()
              .decode(value.substring(PREFIX.length(), value.length() - SUFFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (bytes.length == 0 || bytes.length % 4 != 0) {
      return null;
    }
    float[] out = new float[bytes.length / 4];
    if (expectedLength != null && out.length != expectedLength) {
      return null;
    }
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return firstNonFinite(out) >= 0 ? null : out;
  }
}
