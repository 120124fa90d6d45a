/**
 * The {@code broker} entry point: registers every product's commands ({@code run}, {@code status},
 * {@code agents}, {@code route}, {@code demo}, {@code simulate}) and maps failures to exit codes.
 * The top of the launcher: no other package depends on it.
 */
@NullMarked
package dev.acs.broker.app.cli;

import org.jspecify.annotations.NullMarked;
