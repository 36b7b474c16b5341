/**
 * The {@code inception-stream} command line (picocli): wiring only — each command parses its
 * options, builds the objects of the layers below and reports results and exit codes. Internal: the
 * command line itself, not these classes, is the interface.
 */
package io.inceptionstream.cli;
