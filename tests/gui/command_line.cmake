# lockscope-gui's --help, --version and a bad flag, run as a user would and
# with no display at all: they answer before any window system is needed.
#   GUI      the lockscope-gui executable
set(bare ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY --unset=QT_QPA_PLATFORM ${GUI})

execute_process(COMMAND ${bare} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "Usage: lockscope-gui" OR NOT out MATCHES "--screenshot OUT")
  message(FATAL_ERROR "--help: exit ${rc}, stdout:\n${out}\nstderr:\n${err}")
endif()

execute_process(COMMAND ${bare} --version RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^lockscope-gui [0-9]+\\.[0-9]+\\.[0-9]+\n$")
  message(FATAL_ERROR "--version: exit ${rc}, stdout:\n${out}\nstderr:\n${err}")
endif()

# A bad flag: one line on standard error naming it, nothing on standard
# output, a non-zero exit, and no window opened.
execute_process(COMMAND ${bare} --bogus RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCHALL "\n" newlines "${err}")
list(LENGTH newlines lines)
if(rc EQUAL 0 OR NOT out STREQUAL "" OR NOT lines EQUAL 1 OR NOT err MATCHES "^lockscope-gui: .*--bogus")
  message(FATAL_ERROR "--bogus: exit ${rc}, stdout:\n${out}\nstderr (${lines} lines):\n${err}")
endif()
