package dev.acs.broker.app.inspect;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options shared by the commands that read a running broker's admin endpoint. */
final class AdminUrlOptions {

  @Option(
      names = "--admin-url",
      paramLabel = "URL",
      defaultValue = "${env:BROKER_ADMIN_URL}",
      description =
          "The broker's admin endpoint, e.g. http://127.0.0.1:9090 (the broker must run with"
              + " --admin-port). Env: BROKER_ADMIN_URL.")
  @Nullable String adminUrl;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;
}
