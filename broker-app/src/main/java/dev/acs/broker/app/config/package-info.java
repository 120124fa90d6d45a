/** The validated configuration of a broker run. */
@NullMarked
package dev.acs.broker.app.config;

import org.jspecify.annotations.NullMarked;
