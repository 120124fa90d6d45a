/**
 * The configuration of a broker, defined once: the command-line building blocks that every command
 * shares (duration parsing, environment fallbacks, the version, policy names) and the validated
 * {@link dev.acs.broker.app.config.BrokerConfig} the broker's object graph is built from. Depends
 * on no other package of the launcher.
 */
@NullMarked
package dev.acs.broker.app.config;

import org.jspecify.annotations.NullMarked;
