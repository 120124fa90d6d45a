/**
 * The messages the broker relays, as far as routing needs to see them: an envelope of the fields
 * that decide, an opaque document that renders the onward body, and the outbound message.
 */
@NullMarked
package dev.acs.broker.core.message;

import org.jspecify.annotations.NullMarked;
