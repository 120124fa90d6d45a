/**
 * The broker's domain and application core: pure Java, no dependencies. Adapters implement the
 * ports in {@link dev.acs.broker.core.port}; {@link dev.acs.broker.core.application.BrokerService}
 * runs the routing loop.
 */
@NullMarked
package dev.acs.broker.core;

import org.jspecify.annotations.NullMarked;
