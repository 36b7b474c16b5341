/**
 * The Kafka broker the demo and the tests run against: a single KRaft node (broker and controller
 * in one) embedded in this JVM ({@link io.inceptionstream.broker.EmbeddedBroker}), the same node as
 * a child JVM that tests can kill and restart ({@link io.inceptionstream.broker.BrokerProcess},
 * {@link io.inceptionstream.broker.BrokerMain}), and topic administration ({@link
 * io.inceptionstream.broker.Topics}). Kafka server types stay inside this package. Internal: used
 * by the demo, the tests and the {@code broker} command.
 */
package io.inceptionstream.broker;
