package io.inceptionstream.pipeline;

import io.inceptionstream.avro.ImageEncoding;
import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.avro.WireFormatException;
import io.inceptionstream.batching.Item;
import io.inceptionstream.image.ImageDecoder;
import io.inceptionstream.image.ImageFormat;
import io.inceptionstream.image.ImageRejectedException;
import io.inceptionstream.image.Preprocessor;
import io.inceptionstream.lifecycle.InputRecord;
import io.inceptionstream.lifecycle.Rejection;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a polled record into an {@link Item}: Avro single-object decoding, image decoding under the
 * size and pixel limits, resize to 32x32 channel-first bytes. Every failure — including an
 * unexpected exception — becomes a rejected item with a stable reason, so bad input never stops the
 * worker. Thread-safe: runs on the decode pool.
 */
public final class RecordDecoder {

  private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

  private final ImageDecoder images;

  public RecordDecoder(ImageDecoder images) {
    this.images = images;
  }

  /** Decodes one record; never throws. */
  public Item decode(InputRecord record) {
    ImageRecord value;
    try {
      value = WireFormat.decodeImage(record.value());
    } catch (WireFormatException e) {
      return Item.rejected(record, null, e.kind().name(), e.getMessage());
    } catch (Throwable e) {
      return unexpected(record, null, e);
    }
    String id = value.getId();
    String invalid = invalid(value);
    if (invalid != null) {
      return Item.rejected(
          record,
          id.length() > MAX_ID_LENGTH ? null : id,
          WireFormatException.Kind.INVALID_RECORD.name(),
          invalid);
    }
    try {
      byte[] bytes = bytes(value.getImage());
      ImageFormat hint = format(value.getEncoding());
      int w = value.getWidth() == null ? 0 : value.getWidth();
      int h = value.getHeight() == null ? 0 : value.getHeight();
      // The resize runs inside the decode, so the full-size pixels count against the budget.
      byte[] pixels = images.decode(bytes, hint, w, h, Preprocessor::toChw);
      long created =
          value.getTimestamp() != null
              ? value.getTimestamp().toEpochMilli()
              : record.kafkaTimestamp();
      return Item.ready(record, id, value.getAttributes(), created, pixels);
    } catch (ImageRejectedException e) {
      return Item.rejected(record, id, e.reason().name(), e.getMessage());
    } catch (InterruptedException e) {
      // Cancelled while waiting for the pixel budget: the decode timed out or the worker stops.
      Thread.currentThread().interrupt();
      return Item.rejected(record, id, Rejection.DECODE_TIMEOUT, "Decoding was cancelled");
    } catch (Throwable e) {
      // Including OutOfMemoryError from one absurd allocation: that record is bad, not the worker.
      return unexpected(record, id, e);
    }
  }

  /** Longest accepted id, in characters. */
  public static final int MAX_ID_LENGTH = 1024;

  /** Most accepted attribute bytes (keys and values, UTF-16 length). */
  public static final int MAX_ATTRIBUTES_CHARS = 16 * 1024;

  /** Why a decoded record is unusable although its schema allows it, or null. */
  private static String invalid(ImageRecord value) {
    if (value.getId().length() > MAX_ID_LENGTH) {
      return "ImageRecord id has "
          + value.getId().length()
          + " characters, over the limit of "
          + MAX_ID_LENGTH;
    }
    long chars = 0;
    for (var e : value.getAttributes().entrySet()) {
      chars += e.getKey().length() + e.getValue().length();
    }
    if (chars > MAX_ATTRIBUTES_CHARS) {
      return "ImageRecord attributes hold "
          + chars
          + " characters, over the limit of "
          + MAX_ATTRIBUTES_CHARS;
    }
    return null;
  }

  private static Item unexpected(InputRecord record, String id, Throwable e) {
    LOG.warn(
        "Unexpected {} decoding {}; sending it to the dead-letter topic",
        e.getClass().getName(),
        record.position(),
        e);
    return Item.rejected(
        record, id, Rejection.DECODE_FAILED, e.getClass().getName() + ": " + e.getMessage());
  }

  private static byte[] bytes(ByteBuffer b) {
    // Avro decodes the field into a buffer of its own that spans a whole array; the image decoder
    // only reads it, so that array is used as it is rather than copied (profiled: the copy showed
    // in the decode threads).
    if (b.hasArray()
        && b.arrayOffset() == 0
        && b.position() == 0
        && b.remaining() == b.array().length) {
      return b.array();
    }
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private static ImageFormat format(ImageEncoding e) {
    return e == null ? ImageFormat.AUTO : ImageFormat.valueOf(e.name());
  }
}
