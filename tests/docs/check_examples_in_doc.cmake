# cmake -DDOC=<md> -DEXAMPLES_DIR=<dir> -DEXAMPLES=<a;b> -P check_examples_in_doc.cmake
# Fails unless every docs/examples/<name>.cpp appears verbatim in DOC.
file(READ "${DOC}" doc_text)
set(missing "")
foreach(example IN LISTS EXAMPLES)
  file(READ "${EXAMPLES_DIR}/${example}.cpp" example_text)
  string(FIND "${doc_text}" "${example_text}" at)
  if(at EQUAL -1)
    list(APPEND missing "${example}.cpp")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "${DOC} does not show these examples verbatim: ${missing}\n"
    "Copy each file's text into its ```cpp block.")
endif()
