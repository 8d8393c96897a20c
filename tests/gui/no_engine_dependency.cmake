# The GUI depends on traces/, plot/ and its own code, never on engine/
# (docs/architecture.md): everything that simulates runs in a `lockscope`
# child process. Fails if a GUI source includes an engine header, or if a
# GUI target links, directly or through another library, a target defined
# under engine/.
#   SOURCE   the source tree
#   LINKED   "target=folder" for every lockscope target a GUI target links,
#            separated by `|` (tests/gui/CMakeLists.txt computes it)
file(GLOB_RECURSE sources "${SOURCE}/gui/*.cpp" "${SOURCE}/gui/*.hpp")
set(errors "")
foreach(f IN LISTS sources)
  file(STRINGS "${f}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]engine/")
  foreach(line IN LISTS includes)
    file(RELATIVE_PATH rel "${SOURCE}" "${f}")
    string(APPEND errors "  ${rel}: ${line}\n")
  endforeach()
endforeach()
string(REPLACE "|" ";" linked "${LINKED}")
foreach(entry IN LISTS linked)
  string(REGEX REPLACE "=.*$" "" target "${entry}")
  string(REGEX REPLACE "^[^=]*=" "" folder "${entry}")
  string(FIND "${folder}/" "${SOURCE}/engine/" at)
  if(at EQUAL 0)
    string(APPEND errors "  links ${target} (defined in ${folder})\n")
  endif()
endforeach()
if(errors)
  message(FATAL_ERROR "the GUI depends on engine/; use a format in traces/ or run the CLI:\n${errors}")
endif()
