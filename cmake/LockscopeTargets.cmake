# lockscope_target_defaults(<target>): the language level and warnings every
# lockscope target uses. Set per target, never as global flags.
function(lockscope_target_defaults target)
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
endfunction()
