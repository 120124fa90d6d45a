/**
 * Micrometer metrics of a running broker, exposed in Prometheus form: what the core reports through
 * its {@code RoutingObserver} port, what the adapters report through their listeners, and gauges
 * read from the registry and the routing service at scrape time.
 */
@NullMarked
package dev.acs.broker.app.metrics;

import org.jspecify.annotations.NullMarked;
