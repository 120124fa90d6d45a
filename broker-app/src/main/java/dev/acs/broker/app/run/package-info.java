/**
 * {@code broker run}: the command that parses and validates a broker's configuration, and the
 * launcher that builds the production object graph ({@code wiring}) and runs it until a signal.
 */
@NullMarked
package dev.acs.broker.app.run;

import org.jspecify.annotations.NullMarked;
