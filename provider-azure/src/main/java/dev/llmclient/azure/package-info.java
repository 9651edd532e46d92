/**
 * The Azure OpenAI provider: the deployment route ({@code
 * /openai/deployments/{name}/...?api-version=}) or the {@code /openai/v1/} route, with {@code
 * api-key} or Entra ID bearer-token authentication, on provider-openai's wire layer.
 *
 * <p>Set {@code AZURE_OPENAI_ENDPOINT}, {@code AZURE_OPENAI_DEPLOYMENT_NAME} and either {@code
 * AZURE_OPENAI_API_KEY} or {@code AZURE_OPENAI_USE_MANAGED_IDENTITY=true} (with {@code
 * com.azure:azure-identity} on the classpath). {@link dev.llmclient.azure.AzureOpenAiProvider}
 * lists every setting.
 */
@NullMarked
package dev.llmclient.azure;

import org.jspecify.annotations.NullMarked;
