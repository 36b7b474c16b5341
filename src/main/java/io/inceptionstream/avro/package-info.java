/**
 * The wire format: Avro single-object encoding (marker, CRC-64-AVRO fingerprint, binary body) with
 * the schema history of {@code schemas/}, and the classes the Maven build generates from those
 * schemas. Public API: the generated classes ({@code ImageRecord}, {@code Prediction}, {@code
 * Embedding}, {@code DeadLetter}) and {@link io.inceptionstream.avro.WireFormat} are what a Java
 * user reads and writes; the schemas are the contract for every other language.
 */
package io.inceptionstream.avro;
