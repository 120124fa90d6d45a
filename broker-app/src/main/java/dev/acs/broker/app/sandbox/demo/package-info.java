/**
 * {@code broker demo}: the whole system in one JVM, an embedded AMQP broker (Apache Qpid Broker-J),
 * the stand-in central server with simulated agents and frontends, and the real broker between
 * them. The only package that touches Qpid; {@code broker run} never reaches it.
 */
@NullMarked
package dev.acs.broker.app.sandbox.demo;

import org.jspecify.annotations.NullMarked;
