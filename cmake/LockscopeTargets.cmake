# lockscope_target_defaults(<target> [NO_SANITIZERS]): the language level and
# warnings every lockscope target uses. Set per target, never as global
# flags. NO_SANITIZERS keeps a target out of the AddressSanitizer build: code
# that is preloaded into, or recorded as, an uninstrumented program (the
# ASan runtime must be the first library a process loads).
function(lockscope_target_defaults target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_SANITIZERS" "" "")
  target_compile_features(${target} PRIVATE cxx_std_23)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast)
  if(LOCKSCOPE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(LOCKSCOPE_TSAN)
    # GCC warns that TSan does not model atomic_thread_fence; the fences are
    # still emitted, and the lock tests use atomics for every shared access.
    target_compile_options(${target} PRIVATE -fsanitize=thread -Wno-tsan -g -O1)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
  if(LOCKSCOPE_ASAN AND NOT arg_NO_SANITIZERS)
    # -O1: fast enough to run every suite, quick to compile; UB aborts the
    # test instead of printing a line nobody reads.
    set(asan_flags -fsanitize=address,undefined -fno-omit-frame-pointer
      -fno-sanitize-recover=undefined)
    # GCC 12's -Wmaybe-uninitialized misfires under -fsanitize=address
    # (inside std::regex's std::function in the CLI and GUI tests); GCC's
    # manual warns that the sanitizers make its flow warnings unreliable.
    target_compile_options(${target} PRIVATE ${asan_flags} -O1 -g1 -Wno-maybe-uninitialized)
    target_link_options(${target} PRIVATE ${asan_flags})
    # SimWorld::self() checks the worker it kept for a stack against
    # SimGrid's answer at every call (engine/sim/sim_world.hpp).
    target_compile_definitions(${target} PRIVATE LOCKSCOPE_CHECK_SELF)
  endif()
  if(LOCKSCOPE_FUZZ)
    # Coverage for libFuzzer and both sanitizers in every library the fuzz
    # targets link; the targets themselves add -fsanitize=fuzzer (the
    # libFuzzer main). fuzz/CMakeLists.txt requires clang 16.
    # libstdc++ 12 offers std::expected only when __cpp_concepts says
    # 202002L; clang 16 implements what it needs (P0848) but still says
    # 201907L, so the build says it for it.
    target_compile_options(${target} PRIVATE
      -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer -g -O1 -D__cpp_concepts=202002L -Wno-macro-redefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
