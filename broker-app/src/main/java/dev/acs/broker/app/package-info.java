/** The {@code broker} command line: parsing, environment fallbacks, exit codes. */
@NullMarked
package dev.acs.broker.app;

import org.jspecify.annotations.NullMarked;
