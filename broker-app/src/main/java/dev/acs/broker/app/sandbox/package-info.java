/**
 * The sandbox: {@code broker demo} ({@code demo}, with an embedded AMQP broker) and {@code broker
 * simulate} ({@code simulate}, a stand-in central server with simulated agents and frontends). It
 * uses the broker's run path; nothing on that path uses it (ArchUnit: {@code
 * LauncherArchitectureTest}).
 */
@NullMarked
package dev.acs.broker.app.sandbox;

import org.jspecify.annotations.NullMarked;
