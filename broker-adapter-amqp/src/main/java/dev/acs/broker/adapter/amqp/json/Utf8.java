package dev.acs.broker.adapter.amqp.json;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
 * Jackson skips the strings the broker does not read without checking them, so the adapter checks
 * the whole body once, with an ASCII fast path.
 */
final class Utf8 {

  private Utf8() {}

  /** The offset of the first byte of an invalid sequence, or -1 when all of it is valid. */
  static int firstInvalid(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      int start = i;
      b &= 0xFF;
      if (b >= 0xC2 && b <= 0xDF) {
        if (i + 1 >= to || !isContinuation(bytes[i + 1])) {
          return start;
        }
        i += 2;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (i + 2 >= to) {
          return start;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if (!isContinuation(bytes[i + 1]) || !isContinuation(bytes[i + 2])) {
          return start;
        }
        if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0)) {
          return start; // overlong, or a UTF-16 surrogate
        }
        i += 3;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (i + 3 >= to) {
          return start;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if (!isContinuation(bytes[i + 1])
            || !isContinuation(bytes[i + 2])
            || !isContinuation(bytes[i + 3])) {
          return start;
        }
        if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90)) {
          return start; // overlong, or above U+10FFFF
        }
        i += 4;
      } else {
        return start;
      }
    }
    return -1;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
