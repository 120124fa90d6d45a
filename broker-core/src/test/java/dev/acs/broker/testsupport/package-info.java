/**
 * Test support shared by every module's tests (issue 15): a private RabbitMQ node, a TCP proxy with
 * fault modes. It ships as broker-core's test-jar (only this package), which the other modules
 * consume with {@code <type>test-jar</type>} in scope test; it uses nothing but the JDK.
 */
@NullMarked
package dev.acs.broker.testsupport;

import org.jspecify.annotations.NullMarked;
