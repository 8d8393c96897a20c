/* static_hello: a statically linked program, which `lockscope record`
 * must refuse (an interposer cannot reach a program without a dynamic
 * loader). Built only when libc.a is installed. */
#include <stdio.h>

int main(void) {
  puts("hello from a static binary");
  return 0;
}
