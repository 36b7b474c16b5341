package io.inceptionstream.fuzz;

import io.inceptionstream.avro.DeadLetter;
import io.inceptionstream.avro.ImageEncoding;
import io.inceptionstream.avro.ImageRecord;
import io.inceptionstream.avro.Prediction;
import io.inceptionstream.avro.WireFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.util.RandomData;

/**
 * Writes the committed seed corpus under {@code src/test/resources/io/inceptionstream/fuzz/}: tiny
 * valid images in every format and valid single-object records. A one-off tool, kept so the corpus
 * can be rebuilt; run it from the project root with the test class path. Deterministic.
 */
final class SeedCorpus {

  private SeedCorpus() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/io/inceptionstream/fuzz");
    Map<String, byte[]> images = images();

    Path header =
        root.resolve(
            "ImageHeaderFuzzTestInputs/headerReaderRejectsBadHeadersWithAnImageRejectedException");
    Path decoder =
        root.resolve(
            "ImageDecoderFuzzTestInputs/decoderRejectsBadImagesWithAnImageRejectedException");
    for (var e : images.entrySet()) {
      write(header.resolve(e.getKey()), e.getValue());
      write(decoder.resolve(e.getKey()), e.getValue());
    }

    Map<String, byte[]> records = new LinkedHashMap<>();
    for (var e : images.entrySet()) {
      records.put(
          "record-" + e.getKey(), imageRecord(e.getValue(), ImageEncoding.AUTO, null, null));
    }
    byte[] raw = new byte[2 * 2 * 3];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (i * 20);
    }
    records.put("record-raw", imageRecord(raw, ImageEncoding.RAW_RGB8, 2, 2));
    records.put("record-v1", imageRecordV1(images.get("png")));
    for (var e : records.entrySet()) {
      write(
          root.resolve(
              "ImageRecordFuzzTestInputs/decodeImageRejectsBadBytesWithAWireFormatException/"
                  + e.getKey()),
          e.getValue());
      write(
          root.resolve(
              "RecordDecoderFuzzTestInputs/everyRecordBecomesAnItemWithASpecificReason/"
                  + e.getKey()),
          e.getValue());
    }

    Path outputs =
        root.resolve("OutputRecordFuzzTestInputs/outputDecodersRejectBadBytesWithAnIOException");
    write(outputs.resolve("prediction"), prefixed(0, random(Prediction.getClassSchema())));
    write(
        outputs.resolve("embedding"),
        prefixed(
            1,
            WireFormat.encodeEmbedding(
                "id",
                "googlenet",
                "1",
                "pool5",
                true,
                new float[] {0.5f, -1f},
                0,
                2,
                "images",
                0,
                7)));
    write(outputs.resolve("dead-letter"), prefixed(2, random(DeadLetter.getClassSchema())));
  }

  private static Map<String, byte[]> images() throws IOException {
    BufferedImage rgb = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        rgb.setRGB(x, y, (x * 60) << 16 | (y * 100) << 8 | 0x40);
      }
    }
    gray.getRaster().setSample(1, 1, 0, 200);
    argb.setRGB(1, 0, 0x80FF0000);
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("png", encode(rgb, "png", false));
    out.put("png-gray", encode(gray, "png", false));
    out.put("png-alpha", encode(argb, "png", false));
    out.put("jpeg", encode(rgb, "jpeg", false));
    out.put("jpeg-gray", encode(gray, "jpeg", false));
    out.put("jpeg-progressive", encode(rgb, "jpeg", true));
    out.put("gif", encode(rgb, "gif", false));
    out.put("bmp", encode(rgb, "bmp", false));
    out.put("bmp-gray", encode(gray, "bmp", false));
    return out;
  }

  private static byte[] encode(BufferedImage image, String format, boolean progressive)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static byte[] imageRecord(byte[] image, ImageEncoding encoding, Integer w, Integer h) {
    return WireFormat.encode(
        ImageRecord.newBuilder()
            .setId("seed")
            .setImage(ByteBuffer.wrap(image))
            .setEncoding(encoding)
            .setWidth(w)
            .setHeight(h)
            .setAttributes(Map.of("label", "square"))
            .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L))
            .build());
  }

  /** A record written with the oldest schema version the worker still reads. */
  private static byte[] imageRecordV1(byte[] image) {
    var schema = WireFormat.historicalImageSchemas().get(0);
    GenericRecord r = new GenericData.Record(schema);
    r.put("id", "seed-v1");
    r.put("image", ByteBuffer.wrap(image));
    r.put("encoding", new GenericData.EnumSymbol(schema.getField("encoding").schema(), "PNG"));
    return encodeGeneric(schema, r);
  }

  private static byte[] random(org.apache.avro.Schema schema) {
    // Short strings and collections: RandomData's values are a valid record, not a realistic one.
    GenericRecord r = (GenericRecord) new RandomData(schema, 1, 42L, true).iterator().next();
    return encodeGeneric(schema, r);
  }

  private static byte[] encodeGeneric(org.apache.avro.Schema schema, GenericRecord r) {
    try {
      ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] prefixed(int selector, byte[] value) {
    byte[] out = new byte[value.length + 1];
    out[0] = (byte) selector;
    System.arraycopy(value, 0, out, 1, value.length);
    return out;
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }
}
