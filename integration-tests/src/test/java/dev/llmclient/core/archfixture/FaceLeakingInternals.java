package dev.llmclient.core.archfixture;

import dev.llmclient.core.internal.archfixture.InternalHelper;
import java.util.List;

/**
 * Deliberate violations of the public face: an internal type as supertype, in a field, as a type
 * argument of a return type and as a parameter. Used only by the meta tests.
 */
public class FaceLeakingInternals extends InternalHelper {

  /** A public field of an internal type. */
  public final InternalHelper helper = new InternalHelper();

  /** A private field may hold one. */
  private final InternalHelper hidden = new InternalHelper();

  /**
   * Returns internal types inside a generic.
   *
   * @return a list of helpers
   */
  public List<InternalHelper> helpers() {
    return List.of(hidden);
  }

  /**
   * Takes an internal type.
   *
   * @param helper the helper
   */
  protected void use(InternalHelper helper) {}

  /** Package-private signatures may use internal types. */
  void allowed(InternalHelper helper) {}
}
