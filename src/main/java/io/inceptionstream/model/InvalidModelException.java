package io.inceptionstream.model;

/** A model directory that cannot be served; the message names the file and what is wrong. */
public class InvalidModelException extends Exception {

  private static final long serialVersionUID = 1L;

  public InvalidModelException(String message) {
    super(message);
  }

  public InvalidModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
