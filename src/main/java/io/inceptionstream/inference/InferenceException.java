package io.inceptionstream.inference;

/** An engine failure during a forward pass; the engine's own exception is the cause. */
public class InferenceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
