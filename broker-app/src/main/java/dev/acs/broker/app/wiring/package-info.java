/**
 * Dagger wiring: the production component and the modules that bind the adapters to the core's
 * ports.
 */
@NullMarked
package dev.acs.broker.app.wiring;

import org.jspecify.annotations.NullMarked;
