package dev.llmclient.api.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A deliberate violation: an llm-api class that imports Jackson. Used only by the meta tests. */
public final class ApiClassUsingJackson {
  /** The forbidden dependency. */
  public final ObjectMapper mapper = new ObjectMapper();
}
