/**
 * Start-up and orderly shutdown of a broker process: signals, shutdown hook, start and stop
 * sequence.
 */
@NullMarked
package dev.acs.broker.app.lifecycle;

import org.jspecify.annotations.NullMarked;
