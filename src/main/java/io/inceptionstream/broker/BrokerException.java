package io.inceptionstream.broker;

/**
 * A broker could not be started, stopped or reached, or refused a request; the message names the
 * address, port or data directory involved.
 */
public class BrokerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public BrokerException(String message) {
    super(message);
  }

  public BrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
