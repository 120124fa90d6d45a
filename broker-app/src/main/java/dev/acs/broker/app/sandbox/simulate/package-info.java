/**
 * A stand-in central server and the simulation of agents and frontends ({@code broker simulate}).
 */
@NullMarked
package dev.acs.broker.app.sandbox.simulate;

import org.jspecify.annotations.NullMarked;
