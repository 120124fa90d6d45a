package dev.acs.broker.adapter.grpc;

/**
 * What the liveness probe did so far (issue 13).
 *
 * @param sent {@code GetAgentStatus} calls made because the stream had been silent for an interval
 * @param skipped checks that made no call because the stream had delivered within the interval
 */
public record ProbeCounts(long sent, long skipped) {}
