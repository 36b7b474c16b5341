package io.inceptionstream.cli;

import io.inceptionstream.broker.Topics;
import io.inceptionstream.client.ImagePublisher;
import io.inceptionstream.image.ImageFormat;
import io.inceptionstream.train.IdxFiles;
import io.inceptionstream.train.LabeledImages;
import io.inceptionstream.train.ShapeGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code publish}: sends image files, folders or generated shapes to the input topic. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Publish images (files and folders, recursively) or generated shapes to the input topic.",
      "Files that cannot be read or are not JPEG/PNG/BMP/GIF are reported by name and skipped; the exit code is 1 if any was."
    })
final class PublishCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--topic",
      defaultValue = "images",
      description = "Input topic. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--id",
      defaultValue = "path",
      description =
          "Record ids: path (relative to the argument given) or hash (SHA-256 of the content). Default: ${DEFAULT-VALUE}.")
  String idMode;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description =
          "Images per second at most; 0 = as fast as possible. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(
      names = "--shapes",
      description =
          "Publish N generated shapes instead of files (true class in the 'label' attribute).")
  Integer shapes;

  @Option(
      names = "--idx",
      arity = "0..1",
      fallbackValue = "/usr/share/datasets/fashion-mnist",
      paramLabel = "DIR",
      description =
          "Publish an IDX set's test images (e.g. Fashion-MNIST; without DIR, Debian's"
              + " dataset-fashion-mnist) as PNGs, true class in the 'label' attribute.")
  Path idx;

  @Option(
      names = "--limit",
      defaultValue = "2147483647",
      description = "With --idx: only the first N images. Default: all.")
  int limit;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description = "With --idx: class names, one per line. Default: Fashion-MNIST's ten.")
  Path idxLabels;

  @Option(
      names = "--seed",
      defaultValue = "2026",
      description = "With --shapes: the set's seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long to wait for the broker. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Mixin KafkaConfigOption kafkaConfig;

  @Option(names = "--json", description = "Print the summary as JSON on stdout.")
  boolean json;

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Image files or folders.")
  List<Path> paths = new ArrayList<>();

  private record Source(String id, Path file, Map<String, String> attributes, byte[] bytes) {}

  @Override
  public Integer call() throws Exception {
    Map<String, String> kafka = kafkaConfig.properties();
    if (!idMode.equals("path") && !idMode.equals("hash")) {
      throw new CliException(
          "Invalid value " + idMode + " for option --id: must be path or hash", 2);
    }
    if (rate < 0) {
      throw new CliException("Invalid value " + rate + " for option --rate: must be 0 or more", 2);
    }
    int sources = (shapes != null ? 1 : 0) + (idx != null ? 1 : 0) + (paths.isEmpty() ? 0 : 1);
    if (sources != 1) {
      throw new CliException("Give image paths, --shapes N or --idx [DIR] (one of them)", 2);
    }
    if (limit < 1) {
      throw new CliException(
          "Invalid value " + limit + " for option --limit: must be at least 1", 2);
    }
    IdxFiles.Images idxImages = null;
    int[] idxLabelsOf = null;
    List<String> idxClasses = null;
    if (idx != null) {
      Path dir = DataOptions.idxDir(idx);
      idxClasses = DataOptions.idxClasses(idxLabels);
      try {
        idxImages =
            IdxFiles.readImages(LabeledImages.idxFile(dir, "t10k-images-idx3-ubyte"), limit);
        idxLabelsOf =
            IdxFiles.readLabels(LabeledImages.idxFile(dir, "t10k-labels-idx1-ubyte"), limit);
      } catch (IOException e) {
        throw new CliException(Main.describe(e), 1);
      }
    }
    if (shapes != null && shapes < 1) {
      throw new CliException(
          "Invalid value " + shapes + " for option --shapes: must be at least 1", 2);
    }
    PrintWriter err = spec.commandLine().getErr();
    List<Path> files = new ArrayList<>();
    List<Path> roots = new ArrayList<>();
    int skipped = 0;
    if (shapes == null && idx == null) {
      for (Path p : paths) {
        if (Files.isDirectory(p)) {
          try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
              files.add(f);
              roots.add(p);
            }
          }
        } else if (Files.isRegularFile(p)) {
          files.add(p);
          roots.add(p.toAbsolutePath().getParent());
        } else {
          err.println("skipped " + p + ": no such file or folder");
          skipped++;
        }
      }
    }
    try {
      Topics.awaitReachable(bootstrapServers, kafka, timeout);
    } catch (RuntimeException e) {
      throw new CliException(Main.describe(e), 1);
    }
    long total = shapes != null ? shapes : idxImages != null ? idxImages.count() : files.size();
    Progress progress = new Progress(err, "publish", total, !json);
    AtomicLong bytes = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long sent = 0;
    long start = System.nanoTime();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    try (ImagePublisher publisher =
        ImagePublisher.builder()
            .bootstrapServers(bootstrapServers)
            .properties(kafka)
            .topic(topic)
            .timeout(timeout)
            .build()) {
      for (long i = 0; i < total; i++) {
        Source src;
        if (idxImages != null) {
          int k = (int) i;
          int label = idxLabelsOf[k];
          src =
              new Source(
                  "idx-t10k-" + k,
                  null,
                  Map.of(
                      "label",
                      label < idxClasses.size() ? idxClasses.get(label) : Integer.toString(label),
                      "index",
                      Integer.toString(k)),
                  DatasetCommand.Idx.png(idxImages, k));
        } else if (shapes != null) {
          ShapeGenerator.Sample s = ShapeGenerator.sample(seed, i);
          src =
              new Source(
                  "shape-" + seed + "-" + i,
                  null,
                  Map.of(
                      "label",
                      s.className(),
                      "seed",
                      Long.toString(seed),
                      "index",
                      Long.toString(i)),
                  s.png());
        } else {
          Path f = files.get((int) i);
          byte[] content;
          try {
            content = Files.readAllBytes(f);
          } catch (IOException e) {
            err.println("skipped " + f + ": cannot read: " + Main.describe(e));
            skipped++;
            continue;
          }
          if (ImageFormat.detect(content) == null) {
            err.println("skipped " + f + ": not a JPEG, PNG, BMP or GIF file");
            skipped++;
            continue;
          }
          String id =
              idMode.equals("hash")
                  ? sha256(content)
                  : roots.get((int) i).relativize(f.toAbsolutePath().normalize()).toString();
          if (idMode.equals("path")
              && Files.isRegularFile(paths.get(0))
              && paths.size() >= 1
              && roots.get((int) i).equals(f.toAbsolutePath().getParent())) {
            id = f.getFileName().toString();
          }
          src = new Source(id, f, Map.of("file", f.toString()), content);
        }
        pace(start, sent);
        long size = src.bytes().length;
        CompletableFuture<?> f =
            publisher
                .publish(src.id(), src.bytes(), src.attributes())
                .whenComplete(
                    (md, ex) -> {
                      if (ex != null) {
                        failed.incrementAndGet();
                      } else {
                        bytes.addAndGet(size);
                      }
                    });
        pending.add(f);
        sent++;
        progress.update(sent, "");
        if (pending.size() >= 1000) {
          awaitAll(pending, err);
        }
      }
      publisher.flush();
      awaitAll(pending, err);
    }
    progress.done();
    double secs = (System.nanoTime() - start) / 1e9;
    long ok = sent - failed.get();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("sent", ok);
      doc.put("failed", failed.get());
      doc.put("skipped", skipped);
      doc.put("megabytes", bytes.get() / 1e6);
      doc.put("imagesPerSecond", secs > 0 ? ok / secs : 0);
      doc.put("topic", topic);
      Json.print(out, doc);
    } else {
      out.printf(
          "sent %d, failed %d, skipped %d, %.2f MB, %.1f images/s to %s%n",
          ok, failed.get(), skipped, bytes.get() / 1e6, secs > 0 ? ok / secs : 0, topic);
    }
    return failed.get() == 0 && skipped == 0 ? 0 : 1;
  }

  private void pace(long startNanos, long sent) throws InterruptedException {
    if (rate <= 0) {
      return;
    }
    long due = startNanos + (long) (sent * 1e9 / rate);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static void awaitAll(List<CompletableFuture<?>> pending, PrintWriter err)
      throws InterruptedException {
    String first = null;
    for (CompletableFuture<?> f : pending) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first = Main.describe(e.getCause());
        }
      }
    }
    pending.clear();
    if (first != null) {
      err.println("error: sends failed: " + first);
    }
  }

  private static String sha256(byte[] content) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
