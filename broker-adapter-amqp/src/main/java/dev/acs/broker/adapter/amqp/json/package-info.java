/**
 * The broker's JSON message bodies (SPEC §3) for any transport: {@link
 * dev.acs.broker.adapter.amqp.json.JsonMessageCodec} turns the bytes of a body into the core's
 * {@link dev.acs.broker.core.message.MessageEnvelope} and {@link
 * dev.acs.broker.core.message.MessageDocument}, or says with a {@link
 * dev.acs.broker.adapter.amqp.json.MalformedMessageException} why the body cannot be routed.
 *
 * <p>The package lives in the AMQP adapter's module (the project's module list is fixed) but knows
 * nothing of AMQP: it depends on the core and Jackson only, which {@code JsonCodecArchitectureTest}
 * checks, so a service that embeds the core with a transport of its own can use it. Everything but
 * the codec, its result and its exception is package-private.
 */
@NullMarked
package dev.acs.broker.adapter.amqp.json;

import org.jspecify.annotations.NullMarked;
