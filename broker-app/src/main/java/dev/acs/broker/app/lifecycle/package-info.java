/**
 * Start-up and orderly shutdown of a process: signals, shutdown hook, the broker's start and stop
 * sequence, and the contract of what follows it ({@link
 * dev.acs.broker.app.lifecycle.LifecycleParticipant}, {@link
 * dev.acs.broker.app.lifecycle.Transports}). Used by the broker, the admin endpoint and the
 * sandbox; it wires nothing itself.
 */
@NullMarked
package dev.acs.broker.app.lifecycle;

import org.jspecify.annotations.NullMarked;
