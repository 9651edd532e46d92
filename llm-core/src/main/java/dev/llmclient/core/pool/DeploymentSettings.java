package dev.llmclient.core.pool;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import dev.llmclient.core.internal.select.ProviderSettingNames;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@value DeploymentPool#DEPLOYMENTS_SETTING} (the syntax is documented once, in the package
 * documentation) and creates each member's backend with a provider factory.
 */
final class DeploymentSettings {

  private static final String EMBEDDING = "embedding";

  private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9._-]{1,256}");

  private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private static final Set<String> ATTRIBUTES =
      Set.of(
          "name",
          "provider",
          "tier",
          "weight",
          "rpm",
          "tpm",
          "key",
          "small",
          EMBEDDING,
          "embedding-rpm",
          "embedding-tpm");

  /** One member as written in the setting. */
  record Spec(
      String name,
      String provider,
      String deployment,
      String endpoint,
      int tier,
      int weight,
      int rpm,
      int tpm,
      @Nullable String keySetting,
      @Nullable String small,
      @Nullable String embedding,
      int embeddingRpm,
      int embeddingTpm) {}

  private DeploymentSettings() {}

  static DeploymentPoolBuilder configure(
      DeploymentPoolBuilder builder,
      ProviderSettings settings,
      BiFunction<String, ProviderSettings, ChatBackend> factory) {
    return configure(builder, settings, factory, DeploymentSettings::namesWithServiceLoader);
  }

  /**
   * Adds the chat members of the setting.
   *
   * @param names the setting names of the provider with that id
   */
  static DeploymentPoolBuilder configure(
      DeploymentPoolBuilder builder,
      ProviderSettings settings,
      BiFunction<String, ProviderSettings, ChatBackend> factory,
      Function<String, SettingNames> names) {
    return add(builder, settings, names, false, factory, DeploymentMember::builder);
  }

  /**
   * Adds an embedding member for each member of the setting with an {@code embedding} attribute.
   *
   * @param names the setting names of the provider with that id
   */
  static DeploymentPoolBuilder configureEmbeddings(
      DeploymentPoolBuilder builder,
      ProviderSettings settings,
      BiFunction<String, ProviderSettings, EmbeddingBackend> factory,
      Function<String, SettingNames> names) {
    return add(builder, settings, names, true, factory, DeploymentMember::builder);
  }

  /**
   * Adds the members (of one kind) of the setting, closing what it created when one fails; an
   * embedding member takes the embedding deployment's limits.
   */
  private static <K extends AutoCloseable> DeploymentPoolBuilder add(
      DeploymentPoolBuilder builder,
      ProviderSettings settings,
      Function<String, SettingNames> names,
      boolean embeddings,
      BiFunction<String, ProviderSettings, K> factory,
      BiFunction<String, K, DeploymentMember.Builder> member) {
    List<Spec> specs = parse(required(settings));
    if (embeddings) {
      specs = specs.stream().filter(spec -> spec.embedding() != null).toList();
      if (specs.isEmpty()) {
        throw new LlmConfigurationException(
            DeploymentPool.DEPLOYMENTS_SETTING
                + " names no embedding deployment; add ;embedding=DEPLOYMENT to the members that"
                + " serve embeddings");
      }
    }
    List<K> created = new ArrayList<>();
    try {
      for (Spec spec : specs) {
        K backend =
            factory.apply(
                spec.provider(), memberSettings(spec, settings, names.apply(spec.provider())));
        if (backend == null) {
          throw new LlmConfigurationException(
              "The backend factory returned null for pool member " + spec.name());
        }
        created.add(backend);
        builder.member(
            member
                .apply(spec.name(), backend)
                .tier(spec.tier())
                .weight(spec.weight())
                .requestsPerMinute(embeddings ? spec.embeddingRpm() : spec.rpm())
                .tokensPerMinute(embeddings ? spec.embeddingTpm() : spec.tpm())
                .build());
      }
    } catch (RuntimeException e) {
      for (K b : created) {
        try {
          b.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return builder;
  }

  private static String required(ProviderSettings settings) {
    String value = settings.get(DeploymentPool.DEPLOYMENTS_SETTING);
    if (value == null) {
      throw new LlmConfigurationException(
          DeploymentPool.DEPLOYMENTS_SETTING
              + " is not set; set it to the pool's members, e.g."
              + " gpt-4o@https://east.openai.azure.com,gpt-4o@https://west.openai.azure.com;tier=2");
    }
    return value;
  }

  /** Whether the setting is set and a member has an {@code embedding} attribute. */
  static boolean hasEmbeddingMembers(ProviderSettings settings) {
    String value = settings.get(DeploymentPool.DEPLOYMENTS_SETTING);
    return value != null && parse(value).stream().anyMatch(spec -> spec.embedding() != null);
  }

  static List<Spec> parse(String value) {
    List<Spec> specs = new ArrayList<>();
    Set<String> names = new java.util.HashSet<>();
    for (String raw : value.split(",")) {
      String member = raw.strip();
      if (member.isEmpty()) {
        continue;
      }
      Spec spec = parseMember(member);
      if (!names.add(spec.name())) {
        throw bad(
            "two members are named '" + spec.name() + "'; add ;name=... to tell them apart",
            member);
      }
      specs.add(spec);
    }
    if (specs.isEmpty()) {
      throw bad("it lists no member", value);
    }
    return specs;
  }

  private static Spec parseMember(String member) {
    String[] parts = member.split(";");
    String head = parts[0].strip();
    int at = head.indexOf('@');
    if (at <= 0 || at == head.length() - 1) {
      throw bad("each member must start with deployment@endpoint", member);
    }
    String deployment = head.substring(0, at).strip();
    String endpoint = head.substring(at + 1).strip();
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw bad("'" + endpoint + "' is not a URL", member);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || uri.getHost() == null) {
      throw bad("the endpoint must be an http(s) URL, got '" + endpoint + "'", member);
    }
    if (uri.getUserInfo() != null) {
      throw bad("the endpoint must not contain credentials; use ;key=SETTING_NAME", member);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String attribute = parts[i].strip();
      if (attribute.isEmpty()) {
        continue;
      }
      int eq = attribute.indexOf('=');
      if (eq <= 0) {
        throw bad("attribute '" + attribute + "' must be key=value", member);
      }
      String key = attribute.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (!ATTRIBUTES.contains(key)) {
        throw bad(
            "unknown attribute '" + key + "'; use one of " + new java.util.TreeSet<>(ATTRIBUTES),
            member);
      }
      attributes.put(key, attribute.substring(eq + 1).strip());
    }
    String provider =
        attributes
            .getOrDefault("provider", DeploymentPool.DEFAULT_MEMBER_PROVIDER)
            .toLowerCase(Locale.ROOT);
    if (!PROVIDER_ID.matcher(provider).matches()) {
      throw bad(
          "provider must be a provider id (lower-case letters, digits and -), got '"
              + provider
              + "'",
          member);
    }
    String name = attributes.getOrDefault("name", deployment + "@" + uri.getAuthority());
    return new Spec(
        name,
        provider,
        deployment,
        endpoint,
        number(attributes, "tier", 1, member),
        number(attributes, "weight", 1, member),
        number(attributes, "rpm", 0, member),
        number(attributes, "tpm", 0, member),
        attributes.get("key"),
        attributes.get("small"),
        deploymentName(attributes, EMBEDDING, member),
        number(attributes, "embedding-rpm", 0, member),
        number(attributes, "embedding-tpm", 0, member));
  }

  /**
   * One line about a member, with the name of its key setting (and whether it is set) but never a
   * key.
   */
  static String describe(Spec spec, ProviderSettings settings) {
    StringBuilder b =
        new StringBuilder(spec.name())
            .append(": ")
            .append(spec.deployment())
            .append('@')
            .append(spec.endpoint())
            .append(" provider=")
            .append(spec.provider())
            .append(" tier=")
            .append(spec.tier())
            .append(" weight=")
            .append(spec.weight());
    if (spec.rpm() > 0) {
      b.append(" rpm=").append(spec.rpm());
    }
    if (spec.tpm() > 0) {
      b.append(" tpm=").append(spec.tpm());
    }
    if (spec.keySetting() != null) {
      b.append(" key=").append(spec.keySetting());
      if (!settings.isSet(spec.keySetting())) {
        b.append(" (not set)");
      }
    }
    if (spec.small() != null) {
      b.append(" small=").append(spec.small());
    }
    if (spec.embedding() != null) {
      b.append(" embedding=").append(spec.embedding());
      if (spec.embeddingRpm() > 0) {
        b.append(" embedding-rpm=").append(spec.embeddingRpm());
      }
      if (spec.embeddingTpm() > 0) {
        b.append(" embedding-tpm=").append(spec.embeddingTpm());
      }
    }
    return b.toString();
  }

  /** A deployment name attribute: present means not blank and without spaces. */
  private static @Nullable String deploymentName(
      Map<String, String> attributes, String key, String member) {
    String v = attributes.get(key);
    if (v != null && (v.isEmpty() || !DEPLOYMENT.matcher(v).matches())) {
      throw bad(key + " must name a deployment (letters, digits and ._-), got '" + v + "'", member);
    }
    return v;
  }

  private static int number(Map<String, String> attributes, String key, int dflt, String member) {
    String v = attributes.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw bad(key + " must be a whole number, got '" + v + "'", member);
    }
  }

  /**
   * The shared settings with this member's endpoint, deployment and key put in, under the names the
   * member's provider declares.
   */
  static ProviderSettings memberSettings(Spec spec, ProviderSettings settings, SettingNames names) {
    ProviderSettings.Builder b = settings.toBuilder();
    b.set(names.endpoint(), spec.endpoint());
    b.set(names.model(), spec.deployment());
    if (spec.small() != null) {
      b.set(names.smallModel(), spec.small());
    }
    if (spec.embedding() != null) {
      b.set(names.embeddingModel(), spec.embedding());
    }
    String keySetting = spec.keySetting();
    if (keySetting != null) {
      String key = settings.get(keySetting);
      if (key == null) {
        throw new LlmConfigurationException(
            "Pool member "
                + spec.name()
                + " takes its API key from "
                + keySetting
                + ", which is not set; set it, or drop ;key= to use the provider's usual key");
      }
      b.set(names.apiKey(), key);
    }
    return b.build();
  }

  /** Creates a backend with the provider of that id on the classpath. */
  static ChatBackend createWithServiceLoader(String providerId, ProviderSettings settings) {
    return providerWithServiceLoader(providerId).createChatBackend(settings);
  }

  /** Creates an embedding backend with the provider of that id on the classpath. */
  static EmbeddingBackend createEmbeddingsWithServiceLoader(
      String providerId, ProviderSettings settings) {
    return providerWithServiceLoader(providerId).createEmbeddingBackend(settings);
  }

  /** The setting names of the provider of that id on the classpath. */
  static SettingNames namesWithServiceLoader(String providerId) {
    return ProviderSettingNames.require(
        providerWithServiceLoader(providerId), "a pool member's endpoint, deployment and key");
  }

  /**
   * The provider of that id on the classpath, instantiating no other provider that declares its id.
   */
  static LlmProvider providerWithServiceLoader(String providerId) {
    List<String> found = new ArrayList<>();
    for (ServiceLoader.Provider<LlmProvider> p :
        ServiceLoader.load(LlmProvider.class).stream().toList()) {
      ProviderId declared = p.type().getAnnotation(ProviderId.class);
      if (declared != null && !declared.value().equals(providerId)) {
        found.add(declared.value());
        continue;
      }
      LlmProvider provider = p.get();
      if (provider.id().equals(providerId)) {
        return provider;
      }
      found.add(provider.id());
    }
    throw new LlmConfigurationException(
        "A pool member needs the '"
            + providerId
            + "' provider, which is not on the classpath (found: "
            + (found.isEmpty() ? "none" : String.join(", ", found))
            + "); add the dev.llmclient:provider-"
            + providerId
            + " dependency");
  }

  private static LlmConfigurationException bad(String why, String member) {
    return new LlmConfigurationException(
        DeploymentPool.DEPLOYMENTS_SETTING
            + " is malformed at '"
            + member
            + "': "
            + why
            + ". Expected deployment@https://endpoint[;tier=N][;weight=N][;rpm=N][;tpm=N]"
            + "[;key=SETTING][;provider=ID][;name=NAME][;small=DEPLOYMENT]"
            + "[;embedding=DEPLOYMENT][;embedding-rpm=N][;embedding-tpm=N], members"
            + " separated by commas");
  }

  /** One line per member of {@value DeploymentPool#DEPLOYMENTS_SETTING}; empty when not set. */
  static List<String> describeAll(ProviderSettings settings) {
    String value = settings.get(DeploymentPool.DEPLOYMENTS_SETTING);
    if (value == null) {
      return List.of();
    }
    return parse(value).stream().map(spec -> describe(spec, settings)).toList();
  }
}
