/**
 * Deciding where a message goes: the rules of SPEC §4 in {@link
 * dev.acs.broker.core.routing.MessageRouter}, the choice among agents in a {@link
 * dev.acs.broker.core.routing.RoutingPolicy}, and the outcome as a {@link
 * dev.acs.broker.core.routing.RoutingDecision} value.
 */
@NullMarked
package dev.acs.broker.core.routing;

import org.jspecify.annotations.NullMarked;
