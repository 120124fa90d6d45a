package dev.acs.broker.app.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version {@code broker --version} prints: the Maven project version, filtered in at build. */
public final class VersionProvider implements IVersionProvider {

  private static final String RESOURCE = "/dev/acs/broker/app/version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"broker " + version(), "Java " + Runtime.version()};
  }

  /** The project version, or {@code unknown} when the resource is missing. */
  public static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
