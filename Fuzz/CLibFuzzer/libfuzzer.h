// libFuzzer's driver entry point (compiler-rt, LLVM 11 and later). Declared only: the symbol comes from the
// libFuzzer runtime that `-sanitize=fuzzer` links, and only code built with `-DFUZZING` calls it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
