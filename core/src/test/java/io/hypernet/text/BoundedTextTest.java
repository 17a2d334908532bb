package io.hypernet.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class BoundedTextTest {

  @Test
  void shortTextIsKeptAsItIs() {
    String max = "x".repeat(BoundedText.MAX_CHARS);
    assertSame(max, BoundedText.of(max));
    assertNull(BoundedText.of(null));
  }

  @Test
  void longTextKeepsItsFirstCharactersAndSaysHowManyWereCut() {
    assertEquals("a".repeat(1024) + "… (1048576 more characters)",
        BoundedText.of("a".repeat(1024 + (1 << 20))));
  }

  @Test
  void boundedTextIsLeftAsItIs() {
    String bounded = BoundedText.of("b".repeat(5000));
    assertSame(bounded, BoundedText.of(bounded));
    assertEquals("b".repeat(1024) + "… (1 more characters)",
        BoundedText.of("b".repeat(1024) + "b"));
  }

  @Test
  void charactersAreCodePointsSoNoSurrogateIsSplit() {
    String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
    String max = emoji.repeat(1024);
    assertSame(max, BoundedText.of(max));
    assertEquals(max + "… (1 more characters)", BoundedText.of(max + emoji));
  }
}
