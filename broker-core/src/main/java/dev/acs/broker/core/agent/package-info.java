/**
 * What the broker knows about agents: their identity and state, and the registry that keeps the
 * live view the central server streams.
 */
@NullMarked
package dev.acs.broker.core.agent;

import org.jspecify.annotations.NullMarked;
