package io.inceptionstream.testing;

import io.inceptionstream.avro.ImageEncoding;
import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.WireFormat;
import io.inceptionstream.train.ShapeGenerator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helper: input records in the worker's wire format. */
public final class Inputs {

  private Inputs() {}

  /** A valid shape image record value with id {@code id}. */
  public static byte[] shape(String id, long seed, long index) {
    ShapeGenerator.Sample s = ShapeGenerator.sample(seed, index);
    return WireFormat.encode(
        ImageRecord.newBuilder()
            .setId(id)
            .setImage(ByteBuffer.wrap(s.png()))
            .setAttributes(Map.of("label", s.className()))
            .setTimestamp(Instant.now())
            .build());
  }

  /** A record value with raw pixels and the declared size. */
  public static byte[] raw(String id, byte[] pixels, int width, int height) {
    return WireFormat.encode(
        ImageRecord.newBuilder()
            .setId(id)
            .setImage(ByteBuffer.wrap(pixels))
            .setEncoding(ImageEncoding.RAW_RGB8)
            .setWidth(width)
            .setHeight(height)
            .build());
  }

  /** A record value carrying arbitrary image bytes. */
  public static byte[] image(String id, byte[] bytes) {
    return WireFormat.encode(
        ImageRecord.newBuilder().setId(id).setImage(ByteBuffer.wrap(bytes)).build());
  }

  /** {@code n} shapes keyed by id {@code prefix-i}. */
  public static List<Records.Out> shapes(String prefix, int n, long seed) {
    List<Records.Out> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      out.add(new Records.Out(null, id.getBytes(StandardCharsets.UTF_8), shape(id, seed, i)));
    }
    return out;
  }
}
