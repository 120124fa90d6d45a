/**
 * The ports through which the core meets the outside world. Adapters implement them; the core
 * drives them. Every port has an in-memory fake in {@link dev.acs.broker.core.testing}.
 */
@NullMarked
package dev.acs.broker.core.port;

import org.jspecify.annotations.NullMarked;
