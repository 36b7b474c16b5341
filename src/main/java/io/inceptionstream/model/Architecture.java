package io.inceptionstream.model;

import java.util.List;
import java.util.Optional;

/**
 * The seed's GoogLeNet for 32x32 inputs as data: the stem, the nine Inception modules and where the
 * two stride-2 max-pools sit. The DJL blocks, the reference forward in the tests and {@code model
 * info} all read this one table.
 */
public final class Architecture {

  /** Name written into model metadata; loading refuses any other. */
  public static final String NAME = "googlenet-seed-32";

  /** Input channels, height and width. */
  public static final int CHANNELS = 3;

  /**
   * The network's input side. {@code image.Preprocessor.SIZE} resizes to the same; the leaves may
   * not import each other, so the inference tests pin the two equal.
   */
  public static final int SIZE = 32;

  /** Output channels of the 3x3 stem convolution. */
  public static final int STEM = 192;

  /** Width of the classifier input (the output of {@code b5}). */
  public static final int FEATURES = 1024;

  /** The modules in forward order. */
  public static final List<InceptionSpec> MODULES =
      List.of(
          new InceptionSpec("a3", 192, 64, 96, 128, 16, 32, 32, 32),
          new InceptionSpec("b3", 256, 128, 128, 192, 32, 96, 64, 32),
          new InceptionSpec("a4", 480, 192, 96, 208, 16, 48, 64, 16),
          new InceptionSpec("b4", 512, 160, 112, 224, 24, 64, 64, 16),
          new InceptionSpec("c4", 512, 128, 128, 256, 24, 64, 64, 16),
          new InceptionSpec("d4", 512, 112, 144, 288, 32, 64, 64, 16),
          new InceptionSpec("e4", 528, 256, 160, 320, 32, 128, 128, 16),
          new InceptionSpec("a5", 832, 256, 160, 320, 32, 128, 128, 8),
          new InceptionSpec("b5", 832, 384, 192, 384, 48, 128, 128, 8));

  /** Names of the modules followed by a 3x3, stride 2, pad 1 max-pool. */
  public static final List<String> POOL_AFTER = List.of("b3", "e4");

  private Architecture() {}

  /** Looks a module up by name. */
  public static Optional<InceptionSpec> module(String name) {
    return MODULES.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** Whether a stride-2 max-pool follows this module. */
  public static boolean poolsAfter(String module) {
    return POOL_AFTER.contains(module);
  }
}
