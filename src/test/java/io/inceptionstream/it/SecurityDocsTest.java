package io.inceptionstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inceptionstream.it.SecuredClusterIntegrationTest.Acl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * The kafka-acls.sh commands of docs/operations.md grant what {@link SecuredClusterIntegrationTest}
 * proves enough: the same operations on the same resources, nothing more.
 */
class SecurityDocsTest {

  @Test
  void theDocumentedAclsAreTheMinimalSetTheIntegrationTestGrants() throws Exception {
    Set<Acl> documented = new HashSet<>();
    for (String line : Files.readAllLines(Path.of("docs", "operations.md"))) {
      if (line.contains("--allow-principal")) {
        documented.addAll(parse(line));
      }
    }
    Set<Acl> granted =
        new HashSet<>(
            SecuredClusterIntegrationTest.workerAcls(
                "images",
                "inception-stream",
                List.of("predictions", "embeddings", "images.dlq"),
                "inception-stream-inception-stream-"));
    assertEquals(granted, documented);
  }

  /** The ACLs one {@code $ACLS --add ...} line grants; a continued line is read with the next. */
  private static List<Acl> parse(String line) throws Exception {
    String text = line;
    if (text.strip().endsWith("\\")) {
      List<String> all = Files.readAllLines(Path.of("docs", "operations.md"));
      text = text.strip().replace("\\", "") + " " + all.get(all.indexOf(line) + 1);
    }
    String[] words = text.strip().split("\\s+");
    List<AclOperation> operations = new ArrayList<>();
    ResourceType type = null;
    String name = null;
    for (int i = 0; i < words.length; i++) {
      switch (words[i]) {
        case "--operation" -> operations.add(operation(words[++i]));
        case "--topic" -> {
          type = ResourceType.TOPIC;
          name = words[++i];
        }
        case "--group" -> {
          type = ResourceType.GROUP;
          name = words[++i];
        }
        case "--transactional-id" -> {
          type = ResourceType.TRANSACTIONAL_ID;
          name = words[++i];
        }
        case "--cluster" -> {
          type = ResourceType.CLUSTER;
          name = "kafka-cluster";
        }
        default -> {}
      }
    }
    ResourceType t = type;
    String n = name;
    return operations.stream().map(op -> new Acl(t, n, op)).toList();
  }

  private static AclOperation operation(String word) {
    return AclOperation.fromString(
        word.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
  }
}
