package dev.llmclient.azure;

import dev.llmclient.api.LlmConfigurationException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Talks to azure-identity / azure-core by reflection, so this jar loads and works with api-key
 * authentication when {@code com.azure:azure-identity} is not on the classpath.
 */
final class AzureIdentityBridge {

  private static final String CREDENTIAL = "com.azure.core.credential.TokenCredential";
  private static final String DEFAULT_BUILDER = "com.azure.identity.DefaultAzureCredentialBuilder";

  private AzureIdentityBridge() {}

  /**
   * A token source over {@code DefaultAzureCredential}, with a user-assigned identity when a client
   * id is given.
   *
   * @param clientId {@code AZURE_CLIENT_ID}, or null for the default chain
   * @param loader where to look for azure-identity
   * @return the source
   * @throws LlmConfigurationException naming the artifact to add when azure-identity is missing
   */
  static AzureTokenSource defaultCredential(@Nullable String clientId, ClassLoader loader) {
    Class<?> builderType;
    try {
      builderType = Class.forName(DEFAULT_BUILDER, true, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new LlmConfigurationException(
          AzureOpenAiProvider.USE_MANAGED_IDENTITY
              + "=true needs the artifact com.azure:azure-identity on the classpath (it is an"
              + " optional dependency of provider-azure): add it, or set "
              + AzureOpenAiProvider.API_KEY
              + " instead.");
    }
    try {
      Object builder = builderType.getConstructor().newInstance();
      if (clientId != null) {
        builder =
            builderType
                .getMethod("managedIdentityClientId", String.class)
                .invoke(builder, clientId);
      }
      Object credential = builderType.getMethod("build").invoke(builder);
      return fromTokenCredential(credential);
    } catch (ReflectiveOperationException e) {
      throw new LlmConfigurationException(
          "Cannot create DefaultAzureCredential ("
              + rootMessage(e)
              + "). Check the com.azure:azure-identity version and "
              + AzureOpenAiProvider.CLIENT_ID
              + ".");
    }
  }

  /**
   * Adapts an azure-core {@code TokenCredential}.
   *
   * @param credential an instance of {@code com.azure.core.credential.TokenCredential}
   * @return the source
   * @throws IllegalArgumentException if it is not a {@code TokenCredential}
   */
  static AzureTokenSource fromTokenCredential(Object credential) {
    Class<?> credentialType = find(CREDENTIAL, credential.getClass().getClassLoader());
    if (credentialType == null || !credentialType.isInstance(credential)) {
      throw new IllegalArgumentException(
          "expected a " + CREDENTIAL + ", got " + credential.getClass().getName());
    }
    try {
      ClassLoader loader = credentialType.getClassLoader();
      Class<?> contextType =
          Class.forName("com.azure.core.credential.TokenRequestContext", true, loader);
      Method addScopes = contextType.getMethod("addScopes", String[].class);
      Method getToken = credentialType.getMethod("getToken", contextType);
      return scope -> {
        try {
          Object context = contextType.getConstructor().newInstance();
          Object scopes = Array.newInstance(String.class, 1);
          Array.set(scopes, 0, scope);
          addScopes.invoke(context, scopes);
          Object mono = getToken.invoke(credential, context);
          @SuppressWarnings("unchecked")
          CompletionStage<Object> stage =
              (CompletionStage<Object>) mono.getClass().getMethod("toFuture").invoke(mono);
          return stage
              .thenApply(
                  token -> {
                    try {
                      String value = (String) token.getClass().getMethod("getToken").invoke(token);
                      OffsetDateTime expires =
                          (OffsetDateTime) token.getClass().getMethod("getExpiresAt").invoke(token);
                      return new AzureAccessToken(value, expires.toInstant());
                    } catch (ReflectiveOperationException e) {
                      throw new IllegalStateException(rootMessage(e), e);
                    }
                  })
              .toCompletableFuture();
        } catch (ReflectiveOperationException e) {
          return CompletableFuture.failedFuture(new IllegalStateException(rootMessage(e), e));
        }
      };
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("unsupported azure-core version: " + rootMessage(e), e);
    }
  }

  private static @Nullable Class<?> find(String name, @Nullable ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while ((t instanceof InvocationTargetException || t.getCause() != null)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
