package dev.llmclient.core.pool;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One deployment in a {@link DeploymentPool}: a chat backend (or, for an embedding deployment, an
 * embedding backend) with a name, a routing weight, a priority tier and its own rate limits. Chat
 * calls are routed over the chat members, embeddings over the embedding members ({@link
 * DeploymentPool#embeddings()}). Immutable.
 *
 * <p>Members of tier 1 take every call they can serve; tier 2 (and higher) serves only while no
 * member of a lower tier can: all of them open, cooling down after a 429, or over their budget.
 * Within a tier, a member with twice the weight gets about twice the calls when both are equally
 * loaded and have the same budget left.
 *
 * <pre>{@code
 * DeploymentMember east = DeploymentMember.builder("eastus", eastBackend)
 *     .requestsPerMinute(600).tokensPerMinute(90_000).weight(2)
 *     .build();
 * DeploymentMember eastEmbeddings = DeploymentMember.builder("eastus-embeddings", embeddingBackend)
 *     .tokensPerMinute(350_000)
 *     .build();
 * }</pre>
 */
public final class DeploymentMember {

  /** What an embedding member's budget key adds to its name: {@value}. */
  public static final String EMBEDDING_BUDGET_SUFFIX = "/embedding";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");

  private final String name;
  private final @Nullable ChatBackend backend;
  private final @Nullable EmbeddingBackend embeddings;
  private final int weight;
  private final int tier;
  private final int requestsPerMinute;
  private final int tokensPerMinute;

  private DeploymentMember(Builder b) {
    this.name = b.name;
    this.backend = b.backend;
    this.embeddings = b.embeddings;
    this.weight = b.weight;
    this.tier = b.tier;
    this.requestsPerMinute = b.requestsPerMinute;
    this.tokensPerMinute = b.tokensPerMinute;
  }

  /**
   * A member with weight 1, tier 1 and no client-side limits (they may still be learned from the
   * server's {@code x-ratelimit-limit-*} headers).
   *
   * @param name the member's name, unique in the pool: letters, digits and {@code ._:@/-}
   * @param backend the backend; the pool closes it when it is closed
   * @return the member
   */
  public static DeploymentMember of(String name, ChatBackend backend) {
    return builder(name, backend).build();
  }

  /**
   * A builder with weight 1, tier 1 and no client-side limits.
   *
   * @param name the member's name, unique in the pool: letters, digits and {@code ._:@/-}
   * @param backend the backend; the pool closes it when it is closed
   * @return the builder
   */
  public static Builder builder(String name, ChatBackend backend) {
    return new Builder(name, Objects.requireNonNull(backend, "backend"), null);
  }

  /**
   * A builder of an embedding member (an embedding deployment), with weight 1, tier 1 and no
   * client-side limits. It serves the calls of {@link DeploymentPool#embeddings()}, not chat; its
   * budget is kept under its name followed by {@value #EMBEDDING_BUDGET_SUFFIX}, so that it never
   * shares the budget of a chat member of the same name in a shared {@link BudgetStore}.
   *
   * @param name the member's name, unique in the pool: letters, digits and {@code ._:@/-}
   * @param embeddings the embedding backend; the pool closes it when it is closed
   * @return the builder
   */
  public static Builder builder(String name, EmbeddingBackend embeddings) {
    return new Builder(name, null, Objects.requireNonNull(embeddings, "embeddings"));
  }

  /**
   * The member's name, as reported in stats, spans and errors.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The chat backend the member sends to.
   *
   * @return the backend
   * @throws IllegalStateException for an embedding member, which has none: see {@link
   *     #embeddingBackend()}
   */
  public ChatBackend backend() {
    if (backend == null) {
      throw new IllegalStateException(
          "pool member " + name + " is an embedding member; use embeddingBackend()");
    }
    return backend;
  }

  /**
   * The embedding backend of an embedding member.
   *
   * @return the backend, empty for a chat member
   */
  public Optional<EmbeddingBackend> embeddingBackend() {
    return Optional.ofNullable(embeddings);
  }

  @Nullable ChatBackend chatOrNull() {
    return backend;
  }

  @Nullable EmbeddingBackend embeddingsOrNull() {
    return embeddings;
  }

  /** The key of the member's budget in the pool's store. */
  String budgetKey() {
    return embeddings != null ? name + EMBEDDING_BUDGET_SUFFIX : name;
  }

  /**
   * The routing weight within its tier.
   *
   * @return the weight, at least 1
   */
  public int weight() {
    return weight;
  }

  /**
   * The priority tier: 1 first, higher tiers only when the lower ones cannot serve.
   *
   * @return the tier, at least 1
   */
  public int tier() {
    return tier;
  }

  /**
   * The client-side requests-per-minute budget.
   *
   * @return the limit, 0 when none is set
   */
  public int requestsPerMinute() {
    return requestsPerMinute;
  }

  /**
   * The client-side tokens-per-minute budget.
   *
   * @return the limit, 0 when none is set
   */
  public int tokensPerMinute() {
    return tokensPerMinute;
  }

  @Override
  public String toString() {
    return "DeploymentMember["
        + name
        + (embeddings != null ? ", embeddings" : "")
        + ", tier="
        + tier
        + ", weight="
        + weight
        + ", rpm="
        + (requestsPerMinute == 0 ? "unset" : requestsPerMinute)
        + ", tpm="
        + (tokensPerMinute == 0 ? "unset" : tokensPerMinute)
        + "]";
  }

  /** Builds a {@link DeploymentMember}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private final String name;
    private final @Nullable ChatBackend backend;
    private final @Nullable EmbeddingBackend embeddings;
    private int weight = 1;
    private int tier = 1;
    private int requestsPerMinute;
    private int tokensPerMinute;

    private Builder(
        String name, @Nullable ChatBackend backend, @Nullable EmbeddingBackend embeddings) {
      this.name = Objects.requireNonNull(name, "name");
      this.backend = backend;
      this.embeddings = embeddings;
    }

    /**
     * Sets the routing weight within the tier.
     *
     * @param value 1 to 1000
     * @return this builder
     */
    public Builder weight(int value) {
      this.weight = value;
      return this;
    }

    /**
     * Sets the priority tier.
     *
     * @param value 1 (first) to 9
     * @return this builder
     */
    public Builder tier(int value) {
      this.tier = value;
      return this;
    }

    /**
     * Sets the requests-per-minute budget: the pool holds calls back rather than exceed it.
     *
     * @param value the deployment's RPM quota, or 0 for none
     * @return this builder
     */
    public Builder requestsPerMinute(int value) {
      this.requestsPerMinute = value;
      return this;
    }

    /**
     * Sets the tokens-per-minute budget: the pool holds calls back rather than exceed it. A call
     * counts its estimated prompt tokens plus its output-token cap, as Azure OpenAI counts it.
     *
     * @param value the deployment's TPM quota, or 0 for none
     * @return this builder
     */
    public Builder tokensPerMinute(int value) {
      this.tokensPerMinute = value;
      return this;
    }

    /**
     * Validates and builds the member.
     *
     * @return the member
     * @throws IllegalArgumentException naming the value that is out of range and what is allowed
     */
    public DeploymentMember build() {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "a deployment member name must be 1 to 128 letters, digits or ._:@/-, got '"
                + name
                + "'");
      }
      if (weight < 1 || weight > 1000) {
        throw new IllegalArgumentException(
            "weight of member " + name + " must be 1 to 1000, got " + weight);
      }
      if (tier < 1 || tier > 9) {
        throw new IllegalArgumentException(
            "tier of member " + name + " must be 1 to 9, got " + tier);
      }
      if (requestsPerMinute < 0 || tokensPerMinute < 0) {
        throw new IllegalArgumentException(
            "requestsPerMinute and tokensPerMinute of member "
                + name
                + " must be 0 (no limit) or positive");
      }
      return new DeploymentMember(this);
    }
  }
}
