package dev.llmclient.core.internal.select;

import dev.llmclient.api.spi.ProviderId;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a provider class's {@link ProviderId} from its class file instead of through reflection.
 *
 * <p>{@link Class#getAnnotation} builds a dynamic proxy for the annotation, and the first proxy a
 * JVM builds costs about 14 ms (measured on a cold start, where discovery is on the path to the
 * first reply). The class file holds the id as a constant in its {@code RuntimeVisibleAnnotations}
 * attribute (JVM spec §4.7.16), which takes a short, forward-only read to find. Anything
 * unexpected, including an id not found in the file, falls back to reflection, so the answer is
 * always what {@code getAnnotation} would give.
 */
final class ProviderIds {

  private static final String DESCRIPTOR = "L" + ProviderId.class.getName().replace('.', '/') + ";";

  private ProviderIds() {}

  /** The declared id, or null when the class has no {@link ProviderId}. */
  static @Nullable String of(Class<?> type) {
    try {
      String id = fromClassFile(type);
      if (id != null) {
        return id;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to reflection
    }
    ProviderId annotation = type.getAnnotation(ProviderId.class);
    return annotation == null ? null : annotation.value();
  }

  /** The id found in the class file, or null when it is not there (or the file is not found). */
  static @Nullable String fromClassFile(Class<?> type) throws IOException {
    ClassLoader loader = type.getClassLoader();
    if (loader == null) {
      return null;
    }
    try (InputStream raw =
        loader.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      if (raw == null) {
        return null;
      }
      DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw));
      if (in.readInt() != 0xCAFEBABE) {
        return null;
      }
      in.readUnsignedShort(); // minor version
      in.readUnsignedShort(); // major version
      String[] utf8 = readConstantPool(in);
      in.readUnsignedShort(); // access flags
      in.readUnsignedShort(); // this class
      in.readUnsignedShort(); // super class
      skip(in, 2L * in.readUnsignedShort()); // interfaces
      skipMembers(in); // fields
      skipMembers(in); // methods
      int attributes = in.readUnsignedShort();
      for (int i = 0; i < attributes; i++) {
        String name = utf8[in.readUnsignedShort()];
        long length = Integer.toUnsignedLong(in.readInt());
        if (!"RuntimeVisibleAnnotations".equals(name)) {
          skip(in, length);
          continue;
        }
        int annotations = in.readUnsignedShort();
        for (int a = 0; a < annotations; a++) {
          String id = annotation(in, utf8);
          if (id != null) {
            return id;
          }
        }
        return null;
      }
      return null;
    }
  }

  /** The constant pool's UTF-8 entries by index; other entries are skipped. */
  private static String[] readConstantPool(DataInputStream in) throws IOException {
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7, 8, 16, 19, 20 -> skip(in, 2);
        case 15 -> skip(in, 3);
        case 3, 4, 9, 10, 11, 12, 17, 18 -> skip(in, 4);
        case 5, 6 -> {
          skip(in, 8);
          i++; // eight-byte constants take two slots
        }
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    return utf8;
  }

  private static void skipMembers(DataInputStream in) throws IOException {
    int members = in.readUnsignedShort();
    for (int m = 0; m < members; m++) {
      skip(in, 6); // access flags, name, descriptor
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        skip(in, 2);
        skip(in, Integer.toUnsignedLong(in.readInt()));
      }
    }
  }

  /** Reads one annotation; its {@code value} when it is a {@link ProviderId}, else null. */
  private static @Nullable String annotation(DataInputStream in, String[] utf8) throws IOException {
    boolean providerId = DESCRIPTOR.equals(utf8[in.readUnsignedShort()]);
    String id = null;
    int pairs = in.readUnsignedShort();
    for (int p = 0; p < pairs; p++) {
      String element = utf8[in.readUnsignedShort()];
      int tag = in.readUnsignedByte();
      if (providerId && "value".equals(element) && tag == 's') {
        id = utf8[in.readUnsignedShort()];
      } else {
        skipElementValue(in, tag, utf8);
      }
    }
    return id;
  }

  private static void skipElementValue(DataInputStream in, int tag, String[] utf8)
      throws IOException {
    switch (tag) {
      case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's', 'c' -> skip(in, 2);
      case 'e' -> skip(in, 4);
      case '@' -> annotation(in, utf8);
      case '[' -> {
        int values = in.readUnsignedShort();
        for (int v = 0; v < values; v++) {
          skipElementValue(in, in.readUnsignedByte(), utf8);
        }
      }
      default -> throw new IOException("unknown element value tag " + (char) tag);
    }
  }

  private static void skip(DataInputStream in, long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("the class file ends early");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }
}
