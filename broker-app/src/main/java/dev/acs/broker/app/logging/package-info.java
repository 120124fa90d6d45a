/** Logback set-up for text or JSON lines and the broker's log level. */
@NullMarked
package dev.acs.broker.app.logging;

import org.jspecify.annotations.NullMarked;
