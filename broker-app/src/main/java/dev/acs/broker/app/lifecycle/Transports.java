package dev.acs.broker.app.lifecycle;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import javax.inject.Qualifier;

/**
 * Qualifies the set of {@link AutoCloseable} transports (RabbitMQ connections, the gRPC channel)
 * that the broker closes, in order, after it stopped consuming and ended the status stream.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
public @interface Transports {}
