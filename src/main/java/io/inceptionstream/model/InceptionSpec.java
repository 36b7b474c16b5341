package io.inceptionstream.model;

/**
 * One row of the seed's table: an Inception module's input channels and the widths of its four
 * branches (1x1; 1x1 reduction then 3x3; 1x1 reduction then two 3x3; 3x3 max-pool then 1x1).
 *
 * @param name the module's name in the table, for example {@code a4}
 * @param in input channels
 * @param n1 output channels of branch 1 (1x1)
 * @param r3 reduction channels of branch 2
 * @param n3 output channels of branch 2 (3x3)
 * @param r5 reduction channels of branch 3
 * @param n5 output channels of branch 3 (two stacked 3x3, the "5x5")
 * @param pool output channels of branch 4 (pool projection)
 * @param spatial the module's spatial size for a 32x32 input
 */
public record InceptionSpec(
    String name, int in, int n1, int r3, int n3, int r5, int n5, int pool, int spatial) {

  /** Output channels: the four branches concatenated in branch order. */
  public int out() {
    return n1 + n3 + n5 + pool;
  }

  /** Output channels of branch {@code k} (1..4). */
  public int branchWidth(int k) {
    return switch (k) {
      case 1 -> n1;
      case 2 -> n3;
      case 3 -> n5;
      case 4 -> pool;
      default -> throw new IllegalArgumentException("branch must be 1..4, got " + k);
    };
  }

  /** First channel of branch {@code k} (1..4) in the concatenated output. */
  public int branchOffset(int k) {
    int offset = 0;
    for (int i = 1; i < k; i++) {
      offset += branchWidth(i);
    }
    return offset;
  }
}
