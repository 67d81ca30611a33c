package org.superres.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.superres.engine.ImageFormat;
import org.superres.output.OutputLayout;

/** Output paths stay below --output whatever a listed name looks like. */
class OutputLayoutTraversalTest {
  private final OutputLayout layout = new OutputLayout("file:/data/out");

  @Test
  void oddNamesStayBelowTheRoot() {
    assertEquals("file:/data/out/x..y.png", layout.imageUri("x..y.png", ImageFormat.PNG));
    assertEquals("file:/data/out/up../a..b.png", layout.imageUri("up../a..b.png", ImageFormat.PNG));
    assertEquals(
        "file:/data/out/a%2F..%2Fb.png", layout.imageUri("a%2F..%2Fb.png", ImageFormat.PNG));
    assertEquals("file:/data/out/box#1.png", layout.imageUri("box#1.png", ImageFormat.PNG));
  }

  @Test
  void aRelativePathClimbingOutIsRefused() {
    // InputLister never produces one; an object store key such as "a/../../x.png" must still not
    // escape
    assertThrows(
        IllegalArgumentException.class, () -> layout.imageUri("a/../../x.png", ImageFormat.PNG));
    assertThrows(
        IllegalArgumentException.class, () -> layout.imageUri("../x.png", ImageFormat.PNG));
  }
}
