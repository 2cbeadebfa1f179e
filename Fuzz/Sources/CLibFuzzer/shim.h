// libFuzzer's driver, linked in by `-sanitize=fuzzer` (libclang_rt.fuzzer).
//
// SwiftPM on Linux renames an executable's `main` to `<Target>_main` and points the
// linker's `main` at it, so libFuzzer's own `main` is never used; each fuzzer's
// `@main` hands control to this driver instead, exactly as libFuzzer's `main` would.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));
