/**
 * The admin HTTP endpoint of a running broker: Prometheus metrics, liveness and readiness, and the
 * broker's view of the agents, on the JDK's {@code com.sun.net.httpserver}.
 */
@NullMarked
package dev.acs.broker.app.admin;

import org.jspecify.annotations.NullMarked;
