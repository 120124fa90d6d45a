/**
 * The application services: {@link dev.acs.broker.core.application.RoutingService} turns each
 * inbound message into a published outcome and settles the input only after the confirm; {@link
 * dev.acs.broker.core.application.BrokerService} runs the start-up and shutdown sequence.
 */
@NullMarked
package dev.acs.broker.core.application;

import org.jspecify.annotations.NullMarked;
