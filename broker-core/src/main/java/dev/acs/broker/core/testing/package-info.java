/**
 * In-memory fakes of every port and small fixtures, for fast tests of the core and of services that
 * embed it. Nothing here touches a network; everything is deterministic.
 */
@NullMarked
package dev.acs.broker.core.testing;

import org.jspecify.annotations.NullMarked;
