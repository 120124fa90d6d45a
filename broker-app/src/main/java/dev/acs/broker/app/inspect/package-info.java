/**
 * Commands that answer "what is it doing?": {@code broker status} and {@code broker agents} read a
 * running broker's admin endpoint; {@code broker route --explain} dry-runs the real routing core on
 * a message and a snapshot of agents.
 */
@NullMarked
package dev.acs.broker.app.inspect;

import org.jspecify.annotations.NullMarked;
