/**
 * Pacing of retries that adapters share: how long to wait before the next attempt to reach a server
 * that went away. Pure computation; the adapters own the threads that wait.
 */
@NullMarked
package dev.acs.broker.core.retry;

import org.jspecify.annotations.NullMarked;
