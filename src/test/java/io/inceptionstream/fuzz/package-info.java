/**
 * Coverage-guided fuzz tests (Jazzer): the Avro single-object decoders, the image header reader and
 * decoder, and the whole record decode path. Each class holds one {@code @FuzzTest}, because Jazzer
 * fuzzes only one per JVM; {@code mvn verify} replays each one's committed corpus, and {@code
 * JAZZER_FUZZ=1 mvn verify} also runs the bounded fuzzing execution.
 */
package io.inceptionstream.fuzz;
