/**
 * The broker's gRPC client of the central server (SPEC §2): registers the broker and follows the
 * agent status stream, healing it after any failure.
 *
 * <p>{@link dev.acs.broker.adapter.grpc.GrpcCentralServer} is the entry point; everything else but
 * its settings, health and listener types is package-private.
 */
@NullMarked
package dev.acs.broker.adapter.grpc;

import org.jspecify.annotations.NullMarked;
